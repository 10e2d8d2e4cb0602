import { Wire } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../src/index.js"
import { as, call, DAY, HOUR, MINUTE, NOW, PROJECT, restoreJobId, seed } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds>, from: Seed.Seed = seed) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layer(from)))

const manyDatabases = Seed.make({
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "many",
      windows: [{ start: NOW - DAY, end: NOW - MINUTE }],
      databases: Array.from({ length: 7 }, (_, i) => Seed.database(`db${i}`, ["c"]))
    })
  ]
})

const databases = (query: ReadonlyArray<readonly [string, string]>) =>
  call({
    method: "GET",
    path: `/v3/${PROJECT}/instances/rs1/restore-database`,
    query: [["restore_time", String(NOW - HOUR)], ...query]
  })

const tasks = (query: ReadonlyArray<readonly [string, string]>) =>
  call({
    method: "GET",
    path: `/v3.1/${PROJECT}/jobs`,
    query: [["start_time", "2026-11-20T00:00:00Z"], ["end_time", "2026-11-21T00:00:00Z"], ...query]
  })

describe("FakeDds reads", () => {
  it.effect("restore-time gives the windows of one UTC day, clipped to it", () =>
    run(Effect.gen(function*() {
      const yesterday = yield* call({
        method: "GET",
        path: `/v3/${PROJECT}/instances/rs1/restore-time`,
        query: [["date", "2026-11-19"]]
      })
      expect(as(Wire.RestoreTimeResponse, yesterday).restore_time).toEqual([
        { start_time: Date.UTC(2026, 10, 19, 0, 0, 0), end_time: NOW - DAY - 1 },
        { start_time: NOW - DAY + HOUR, end_time: Date.UTC(2026, 10, 19, 23, 59, 59) }
      ])
      const off = yield* call({ method: "GET", path: `/v3/${PROJECT}/instances/off1/restore-time`, query: [["date", "2026-11-19"]] })
      expect(off.json).toEqual({ restore_time: [] })
    })))

  it.effect("restore-database lists what existed at the time; restore-collection leaves out what did not", () =>
    run(Effect.gen(function*() {
      expect(as(Wire.RestoreDatabasesResponse, yield* databases([]))).toEqual({ databases: ["shop"], total_count: 1 })
      const before = yield* call({
        method: "GET",
        path: `/v3/${PROJECT}/instances/rs1/restore-collection`,
        query: [["db_name", "shop"], ["restore_time", String(NOW - DAY - 2 * HOUR)]]
      })
      expect(as(Wire.RestoreCollectionsResponse, before)).toEqual({ collections: ["orders", "customers", "old"], total_count: 3 })
      const after = yield* call({
        method: "GET",
        path: `/v3/${PROJECT}/instances/rs1/restore-collection`,
        query: [["db_name", "shop"], ["restore_time", String(NOW - HOUR)]]
      })
      expect(as(Wire.RestoreCollectionsResponse, after)).toEqual({ collections: ["orders", "customers", "carts"], total_count: 3 })
    })))

  it.effect("restore-database walks with offset and limit", () =>
    run(
      Effect.gen(function*() {
        const pages: Array<ReadonlyArray<string>> = []
        for (let offset = 0; offset < 7; offset += 3) {
          const page = as(Wire.RestoreDatabasesResponse, yield* databases([["offset", String(offset)], ["limit", "3"]]))
          expect(page.total_count).toBe(7)
          pages.push(page.databases)
        }
        expect(pages).toEqual([["db0", "db1", "db2"], ["db3", "db4", "db5"], ["db6"]])
        expect(as(Wire.RestoreDatabasesResponse, yield* databases([["offset", "10"]]))).toEqual({ databases: [], total_count: 7 })
      }),
      manyDatabases
    ))

  it.effect("a limit outside 1..100 or a bad offset is 400 DBS.200001", () =>
    run(Effect.gen(function*() {
      for (const query of [[["limit", "0"]], [["limit", "101"]], [["limit", "ten"]], [["offset", "-1"]]] as const) {
        const r = yield* databases(query)
        expect(r.status).toBe(400)
        expect(r.json).toMatchObject({ error_code: "DBS.200001" })
      }
      expect((yield* databases([["limit", "101"]])).json).toEqual({
        error_code: "DBS.200001",
        error_msg: `Parameter error: limit must be an integer from 1 to 100, got "101"`
      })
      expect((yield* databases([["limit", "100"]])).status).toBe(200)
    })))

  it.effect("restore-database refuses a time outside every window and one that is not epoch ms", () =>
    run(Effect.gen(function*() {
      const gap = yield* call({
        method: "GET",
        path: `/v3/${PROJECT}/instances/rs1/restore-database`,
        query: [["restore_time", String(NOW - DAY + HOUR / 2)]]
      })
      expect(gap.status).toBe(400)
      expect((gap.json as { error_msg: string }).error_msg).toContain(`restore_time ${NOW - DAY + HOUR / 2}`)
      const bad = yield* call({
        method: "GET",
        path: `/v3/${PROJECT}/instances/rs1/restore-database`,
        query: [["restore_time", "yesterday"]]
      })
      expect(bad.status).toBe(400)
      expect(bad.json).toMatchObject({ error_code: "DBS.280409" })
    })))

  it.effect("instances?id= describes the instance; an unknown id lists nothing", () =>
    run(Effect.gen(function*() {
      const one = as(Wire.InstancesResponse, yield* call({ method: "GET", path: `/v3/${PROJECT}/instances`, query: [["id", "busy1"]] }))
      expect(one.total_count).toBe(1)
      expect(one.instances[0]).toMatchObject({
        id: "busy1",
        name: "resizing",
        status: "normal",
        mode: "ReplicaSet",
        datastore: { type: "DDS-Community", version: "4.0" },
        actions: ["RESIZE"]
      })
      const none = yield* call({ method: "GET", path: `/v3/${PROJECT}/instances`, query: [["id", "nope"]] })
      expect(none.json).toEqual({ instances: [], total_count: 0 })
    })))

  it.effect("backups/policy tells whether incremental backup is on", () =>
    run(Effect.gen(function*() {
      const on = as(Wire.BackupPolicyResponse, yield* call({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` }))
      const off = as(Wire.BackupPolicyResponse, yield* call({ method: "GET", path: `/v3/${PROJECT}/instances/off1/backups/policy` }))
      expect(on.backup_policy).toEqual({ keep_days: 7, start_time: "23:00-00:00", period: "1,2,3,4,5,6,7", enable_incremental_backup: true })
      expect(off.backup_policy.enable_incremental_backup).toBe(false)
    })))

  it.effect("the task list shows restore jobs newest first with created_at and ended_at, filtered and paged", () =>
    run(Effect.gen(function*() {
      const body = (name: string) => ({
        restore_collections: [{ database: "shop", collections: [{ old_name: "orders", new_name: name, restore_collection_time: String(NOW - HOUR) }] }]
      })
      const first = yield* restoreJobId("rs1", body("a"))
      yield* TestClock.adjust("2 minutes")
      const second = yield* restoreJobId("rs1", body("b"))
      yield* TestClock.adjust("10 seconds")

      const all = as(Wire.TaskListResponse, yield* tasks([]))
      expect(all.total_count).toBe(2)
      expect(all.jobs.map((j) => j.id)).toEqual([second, first])
      expect((yield* tasks([])).json).toMatchObject({
        jobs: [
          { id: second, name: "MongodbRestoreTable", instance_id: "rs1", instance_name: "orders-rs", status: "Running", created_at: "2026-11-20T12:02:00+0000", ended_at: "" },
          { id: first, status: "Completed", progress: "", fail_reason: null, created_at: "2026-11-20T12:00:00+0000", ended_at: "2026-11-20T12:01:00+0000" }
        ]
      })
      expect(as(Wire.TaskListResponse, yield* tasks([["status", "Completed"]])).jobs.map((j) => j.id)).toEqual([first])
      expect(as(Wire.TaskListResponse, yield* tasks([["name", "MongodbRestoreTable"], ["offset", "1"], ["limit", "1"]])).jobs.map((j) => j.id))
        .toEqual([first])
      expect(as(Wire.TaskListResponse, yield* tasks([["name", "OtherJob"]])).total_count).toBe(0)
    })))

  it.effect("the task list refuses a span over 30 days and a malformed time", () =>
    run(Effect.gen(function*() {
      const wide = yield* call({
        method: "GET",
        path: `/v3.1/${PROJECT}/jobs`,
        query: [["start_time", "2026-10-01T00:00:00Z"], ["end_time", "2026-11-20T00:00:00Z"]]
      })
      expect(wide.status).toBe(400)
      expect((wide.json as { error_msg: string }).error_msg).toContain("exceeds 30 days")
      const malformed = yield* call({
        method: "GET",
        path: `/v3.1/${PROJECT}/jobs`,
        query: [["start_time", "2026-11-20"], ["end_time", "2026-11-20T00:00:00Z"]]
      })
      expect(malformed.json).toMatchObject({ error_code: "DBS.280409" })
    })))
})
