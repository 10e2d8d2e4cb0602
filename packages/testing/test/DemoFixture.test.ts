import { Wire } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { DemoFixture, FakeDds } from "../src/index.js"
import { as, call, DAY, HOUR, MINUTE, NOW } from "./support.js"

const demo = DemoFixture.make(NOW)
const project = DemoFixture.projectId
const orders = DemoFixture.ordersInstanceId

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layer(demo)))

const collections = (db: string, t: number) =>
  call({
    method: "GET",
    path: `/v3/${project}/instances/${orders}/restore-collection`,
    query: [["db_name", db], ["restore_time", String(t)]]
  })

describe("DemoFixture", () => {
  it("covers the last 7 days, split at UTC midnight, with two gaps, and today's window is open", () => {
    const windows = DemoFixture.windows(NOW)
    const today = Math.floor(NOW / DAY) * DAY
    expect(windows[0]?.start).toBe(NOW - 7 * DAY)
    expect(windows.at(-1)).toStrictEqual({ start: today })
    // 8 UTC days touched, plus one extra window for each gap.
    expect(windows.length).toBe(10)
    for (const w of windows.slice(0, -1)) {
      const end = w.end ?? Number.NaN
      expect(Math.floor(w.start / DAY)).toBe(Math.floor(end / DAY))
      expect(w.start).toBeLessThanOrEqual(end)
    }
    const twoDaysAgo = windows.filter((w) => w.start >= today - 2 * DAY && (w.end ?? Infinity) < today - DAY)
    expect(twoDaysAgo).toEqual([
      { start: today - 2 * DAY, end: today - 2 * DAY + 6 * HOUR - 1000 },
      { start: today - 2 * DAY + 6 * HOUR + 25 * MINUTE, end: today - DAY - 1000 }
    ])
  })

  it.effect("the windows follow the clock: up to 5 minutes before now, and a day later up to 5 minutes before then", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const latest = (state: FakeDds.StateJson) =>
        Math.max(...(state.instances.find((i) => i.id === orders)?.windows ?? []).map((w) => w.end_time))
      expect(latest(yield* fake.stateJson())).toBe(NOW - 5 * MINUTE)
      yield* TestClock.adjust("1 day")
      expect(latest(yield* fake.stateJson())).toBe(NOW + DAY - 5 * MINUTE)
      const lastHour = as(Wire.RestoreCollectionsResponse, yield* collections("shop", NOW + DAY - HOUR))
      expect(lastHour.collections).toEqual(["orders", "customers", "carts"])
    })))

  it("has the demo credentials and IAM user, with the secrets redacted", () => {
    expect(demo.credentials.map((c) => c.accessKeyId)).toEqual(["DEMOACCESSKEY00000000"])
    expect(Redacted.isRedacted(demo.credentials[0]?.secretAccessKey)).toBe(true)
    expect(JSON.stringify(demo)).not.toContain(Redacted.value(DemoFixture.secretAccessKey))
    expect(demo.users.map((u) => u.name)).toEqual(["demo-user"])
    expect(demo.instances.map((i) => [i.name, i.mode, i.backupPolicy.incrementalBackup])).toEqual([
      ["dds-orders-demo", "ReplicaSet", true],
      ["dds-analytics-cluster", "Sharding", true],
      ["dds-inventory-demo", "ReplicaSet", false]
    ])
  })

  it.effect("shop's collections change over the week: carts created 3 days ago, legacy_orders dropped 2 days ago", () =>
    run(Effect.gen(function*() {
      const fourDaysAgo = as(Wire.RestoreCollectionsResponse, yield* collections("shop", NOW - 4 * DAY))
      expect(fourDaysAgo.collections).toEqual(["orders", "customers", "legacy_orders"])
      const yesterday = as(Wire.RestoreCollectionsResponse, yield* collections("shop", NOW - DAY))
      expect(yesterday.collections).toEqual(["orders", "customers", "carts"])
      const analytics = as(Wire.RestoreCollectionsResponse, yield* collections("analytics", NOW - DAY))
      expect(analytics.collections).toEqual(["events", "sessions"])
    })))

  it.effect("the demo instances refuse a restore the way the service does", () =>
    run(Effect.gen(function*() {
      const body = {
        restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_collection_time: String(NOW - HOUR) }] }]
      }
      const sharded = yield* call({
        method: "POST",
        path: `/v3/${project}/instances/${DemoFixture.shardedInstanceId}/restore/collections`,
        body
      })
      expect(sharded.json).toMatchObject({ error_code: "DBS.280342" })
      const off = yield* call({
        method: "POST",
        path: `/v3/${project}/instances/${DemoFixture.noIncrementalInstanceId}/restore/collections`,
        body
      })
      expect(off.json).toMatchObject({ error_code: "DBS.280343" })
      expect((yield* call({ method: "POST", path: `/v3/${project}/instances/${orders}/restore/collections`, body })).status).toBe(200)
    })))

  it.effect("the snapshot is plain JSON with the project, credentials, instances and jobs", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const snapshot = yield* fake.stateJson()
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
      expect(snapshot.project_id).toBe(project)
      expect(snapshot.credentials).toEqual([
        { access_key_id: "DEMOACCESSKEY00000000", secret_access_key: Redacted.value(DemoFixture.secretAccessKey) }
      ])
      expect(snapshot.instances[0]).toMatchObject({
        id: orders,
        name: "dds-orders-demo",
        mode: "ReplicaSet",
        status: "normal",
        incremental_backup: true,
        databases: [
          { name: "shop", collections: ["orders", "customers", "carts"] },
          { name: "analytics", collections: ["events", "sessions"] }
        ]
      })
      expect(snapshot.jobs).toEqual([])
    })))
})
