// The service's dialect as the official SDKs speak it (times with a zone offset in the task list,
// its filters, the instance list's fuzzy name, the gateway's answer to an expired signature, an
// unknown job, windows that follow the clock), written once and run over every way the fake is
// served: `FakeDds` in memory and the emulator over HTTP. Requests are signed with the real AK/SK
// signer on the Effect Clock, which the tests drive with TestClock.
import { DdsRequest, type DdsResponse, SdkDate } from "@dds-restore/client"
import { ServiceTime, Wire } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../../src/index.js"

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** 2026-11-30T12:00:00Z. */
export const NOW = Date.UTC(2026, 10, 30, 12, 0, 0)
export const PROJECT = "5e2d9c8a0b1f4e7d9a3c6b2e1f0d4a7c"
export const credential = { accessKeyId: "DIALECTACCESSKEY0000", secretAccessKey: Redacted.make("DialectSecretAccessKey000000000000000000") }

/** Two replica sets whose names share `orders`, a cluster, and a window open at its end. */
export const seed = Seed.make({
  projectId: PROJECT,
  credentials: [credential],
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "orders-rs",
      windows: [{ start: NOW - 2 * DAY, end: NOW - DAY - HOUR }, { start: NOW - DAY }],
      databases: { shop: ["orders"] }
    }),
    Seed.replicaSet({ id: "rs2", name: "orders-archive", windows: [{ start: NOW - DAY, end: NOW - HOUR }] }),
    Seed.sharded({ id: "sh1", name: "clickstream", windows: [{ start: NOW - DAY, end: NOW - HOUR }] })
  ]
})

/** A service under test: where to send requests, and how. */
export interface Served {
  readonly endpoint: string
  readonly send: (request: DdsRequest.DdsRequest) => Effect.Effect<DdsResponse.DdsResponse>
}

/** `FakeDds` as a service under test, called in memory. */
export const inMemory = (seed: Seed.Seed): Effect.Effect<Served> =>
  Effect.map(FakeDds.make(seed), (fake) => ({
    endpoint: "https://dds.cn-north-4.myhuaweicloud.com",
    send: (request) => Effect.orDie(fake.handle(request))
  }))

interface Reply {
  readonly status: number
  readonly json: unknown
}

const ErrorJson = Schema.Struct({ error_code: Schema.String, error_msg: Schema.String })

/**
 * The scenarios, over the service `serve` starts from a seed (under the TestClock, set to NOW
 * first).
 */
export const describeDialect = (title: string, serve: (seed: Seed.Seed) => Effect.Effect<Served, never, Scope.Scope>) =>
  describe(title, () => {
    // A signed call dated by the Effect Clock, moved by `skewMillis` to play a client whose clock is off.
    const call = (
      served: Served,
      fields: {
        readonly method: DdsRequest.Method
        readonly path: string
        readonly query?: ReadonlyArray<readonly [string, string]>
        readonly body?: unknown
      },
      skewMillis = 0
    ): Effect.Effect<Reply> =>
      Effect.gen(function*() {
        const request = DdsRequest.make({
          method: fields.method,
          url: `${served.endpoint}${fields.path}`,
          query: fields.query ?? [],
          headers: { "content-type": "application/json", "x-project-id": PROJECT },
          body: fields.body === undefined ? "" : JSON.stringify(fields.body)
        })
        const clock = yield* Effect.clock
        const shifted: Clock.Clock = {
          ...clock,
          unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis() + skewMillis,
          currentTimeMillis: Effect.map(clock.currentTimeMillis, (t) => t + skewMillis)
        }
        const signed = yield* Effect.withClock(AkSkSigner.make(credential).sign(request), shifted).pipe(Effect.orDie)
        const response = yield* served.send(signed)
        return { status: response.status, json: response.body === "" ? undefined : JSON.parse(response.body) }
      })

    const decoded = <A, I>(schema: Schema.Schema<A, I>, reply: Reply): A => {
      expect(reply.status).toBe(200)
      return Schema.decodeUnknownSync(schema)(reply.json)
    }

    const refusal = (reply: Reply) => ({ status: reply.status, ...Schema.decodeUnknownSync(ErrorJson)(reply.json) })

    const restore = (served: Served, newName: string) =>
      Effect.map(
        call(served, {
          method: "POST",
          path: `/v3/${PROJECT}/instances/rs1/restore/collections`,
          body: {
            restore_collections: [{
              database: "shop",
              collections: [{ old_name: "orders", new_name: newName, restore_collection_time: String(NOW - 2 * HOUR) }]
            }]
          }
        }),
        (reply) => decoded(Wire.RestoreResponse, reply).job_id
      )

    const tasks = (served: Served, query: ReadonlyArray<readonly [string, string]>) =>
      call(served, { method: "GET", path: `/v3.1/${PROJECT}/jobs`, query })

    // Two restores of rs1, at NOW and NOW + 5 min, seen 10 seconds after the second: the first
    // (a minute long) has ended, the second is visible and runs.
    const twoJobs = (served: Served) =>
      Effect.gen(function*() {
        const first = yield* restore(served, "orders_a")
        yield* TestClock.adjust("5 minutes")
        const second = yield* restore(served, "orders_b")
        yield* TestClock.adjust("10 seconds")
        return { first, second }
      })

    const scenario = <A, E>(name: string, body: (served: Served) => Effect.Effect<A, E>) =>
      it.scoped(name, () =>
        Effect.gen(function*() {
          yield* TestClock.setTime(NOW)
          return yield* body(yield* serve(seed))
        }))

    scenario("task-list bounds are instants in any zone: Z, +0000, +0800 and -0500 name the same span", (served) =>
      Effect.gen(function*() {
        const { first, second } = yield* twoJobs(served)
        const spans = [
          ["2026-11-30T11:00:00Z", "2026-11-30T13:00:00Z"],
          ["2026-11-30T11:00:00+0000", "2026-11-30T13:00:00+0000"],
          ["2026-11-30T19:00:00+0800", "2026-11-30T21:00:00+0800"],
          ["2026-11-30T06:00:00-0500", "2026-11-30T08:00:00-0500"]
        ] as const
        for (const [start, end] of spans) {
          const listed = decoded(Wire.TaskListResponse, yield* tasks(served, [["start_time", start], ["end_time", end]]))
          expect(listed.jobs.map((j) => j.id)).toStrictEqual([second, first])
          expect(listed.jobs.map((j) => j.created_at)).toStrictEqual(["2026-11-30T12:05:00+0000", "2026-11-30T12:00:00+0000"])
        }
        // The second job was created at 12:05:00Z, which is 20:05:00 in +0800: the bounds are compared as instants.
        const afterFirst = decoded(
          Wire.TaskListResponse,
          yield* tasks(served, [["start_time", "2026-11-30T20:00:01+0800"], ["end_time", "2026-11-30T20:05:00+0800"]])
        )
        expect(afterFirst.jobs.map((j) => j.id)).toStrictEqual([second])
      }))

    scenario("task-list bounds the service does not read are refused 400 DBS.280409, saying why", (served) =>
      Effect.gen(function*() {
        const colon = yield* tasks(served, [["start_time", "2026-11-30T19:00:00+08:00"], ["end_time", "2026-11-30T21:00:00+0800"]])
        expect(refusal(colon)).toStrictEqual({
          status: 400,
          error_code: "DBS.280409",
          error_msg:
            `Invalid time format: "2026-11-30T19:00:00+08:00" writes its zone offset with a colon: write +0800 as the service does`
        })
        const noZone = yield* tasks(served, [["start_time", "2026-11-30T11:00:00"], ["end_time", "2026-11-30T13:00:00Z"]])
        expect(refusal(noZone)).toMatchObject({ status: 400, error_code: "DBS.280409" })
        const wide = yield* tasks(served, [["start_time", "2026-10-30T11:59:59+0000"], ["end_time", "2026-11-30T20:00:00+0800"]])
        expect(refusal(wide)).toStrictEqual({
          status: 400,
          error_code: "DBS.200001",
          error_msg: "Parameter error: the span from start_time to end_time exceeds 30 days"
        })
        // Exactly 30 days, written in two zones, is accepted.
        const thirtyDays = yield* tasks(served, [["start_time", "2026-10-31T12:00:00+0000"], ["end_time", "2026-11-30T20:00:00+0800"]])
        expect(thirtyDays.status).toBe(200)
      }))

    scenario("the task list filters by id, status and name, and pages", (served) =>
      Effect.gen(function*() {
        const { first, second } = yield* twoJobs(served)
        const span = [["start_time", ServiceTime.formatTaskTime(NOW - HOUR)], ["end_time", ServiceTime.formatTaskTime(NOW + HOUR)]] as const
        const ids = (reply: Reply) => decoded(Wire.TaskListResponse, reply).jobs.map((j) => j.id)
        expect(ids(yield* tasks(served, [...span, ["id", first]]))).toStrictEqual([first])
        expect(decoded(Wire.TaskListResponse, yield* tasks(served, [...span, ["id", first]])).total_count).toBe(1)
        expect(ids(yield* tasks(served, [...span, ["id", "no-such-job"]]))).toStrictEqual([])
        expect(ids(yield* tasks(served, [...span, ["status", "Completed"]]))).toStrictEqual([first])
        expect(ids(yield* tasks(served, [...span, ["status", "Running"]]))).toStrictEqual([second])
        expect(ids(yield* tasks(served, [...span, ["name", Wire.RESTORE_TASK_NAME], ["id", second]]))).toStrictEqual([second])
        expect(ids(yield* tasks(served, [...span, ["name", "RestartInstance"]]))).toStrictEqual([])
        expect(ids(yield* tasks(served, [...span, ["offset", "1"], ["limit", "1"]]))).toStrictEqual([first])
        expect(refusal(yield* tasks(served, [...span, ["status", "Done"]]))).toMatchObject({ status: 400, error_code: "DBS.200001" })
        expect(refusal(yield* tasks(served, [...span, ["limit", "101"]]))).toMatchObject({ status: 400, error_code: "DBS.200001" })
      }))

    scenario("an instance name starting with * is a fuzzy match, any other name an exact one, and * alone is refused", (served) =>
      Effect.gen(function*() {
        const names = (query: ReadonlyArray<readonly [string, string]>) =>
          Effect.map(
            call(served, { method: "GET", path: `/v3/${PROJECT}/instances`, query }),
            (reply) => decoded(Wire.InstancesResponse, reply).instances.map((i) => i.name)
          )
        expect(yield* names([["name", "*orders"]])).toStrictEqual(["orders-rs", "orders-archive"])
        expect(yield* names([["name", "*archive"]])).toStrictEqual(["orders-archive"])
        expect(yield* names([["name", "*orders"], ["mode", "Sharding"]])).toStrictEqual([])
        expect(yield* names([["name", "orders"]])).toStrictEqual([])
        expect(yield* names([["name", "orders-rs"]])).toStrictEqual(["orders-rs"])
        expect(yield* names([["datastore_type", "DDS-Community"], ["name", "*click"]])).toStrictEqual(["clickstream"])
        expect(yield* names([["datastore_type", "DDS-Enhanced"]])).toStrictEqual([])
        const alone = yield* call(served, { method: "GET", path: `/v3/${PROJECT}/instances`, query: [["name", "*"]] })
        expect(refusal(alone)).toStrictEqual({
          status: 400,
          error_code: "DBS.200001",
          error_msg: `Parameter error: name "*" alone is reserved: give the name, or * followed by a part of it`
        })
      }))

    scenario("a signature dated 16 minutes off is refused 401 APIGW.0301, signature expired, with the server's time", (served) =>
      Effect.gen(function*() {
        for (const minutes of [-16, 16]) {
          const reply = yield* call(served, { method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` }, minutes * MINUTE)
          expect(reply.status).toBe(401)
          expect(reply.json).toMatchObject({
            error_code: "APIGW.0301",
            error_msg: `Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:${
              SdkDate.format(NOW + minutes * MINUTE)
            },server time:${SdkDate.format(NOW)}`
          })
        }
        // 14 minutes off is within the gateway's allowance.
        const near = yield* call(served, { method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` }, -14 * MINUTE)
        expect(near.status).toBe(200)
      }))

    scenario("an unknown job is 404 DBS.280016 (resource not found), not the unknown instance's DBS.200002", (served) =>
      Effect.gen(function*() {
        const job = yield* call(served, { method: "GET", path: `/v3/${PROJECT}/jobs`, query: [["id", "no-such-job"]] })
        expect(refusal(job)).toStrictEqual({
          status: 404,
          error_code: "DBS.280016",
          error_msg: "Resource not found: there is no job no-such-job"
        })
        const instance = yield* call(served, { method: "GET", path: `/v3/${PROJECT}/instances/nope/backups/policy` })
        expect(refusal(instance)).toStrictEqual({
          status: 404,
          error_code: "DBS.200002",
          error_msg: "The DB instance does not exist: nope"
        })
      }))

    scenario("an open window follows the clock, ending 5 minutes before it, and a day later now-1h is still restorable", (served) =>
      Effect.gen(function*() {
        const windowsOf = (day: string) =>
          Effect.map(
            call(served, { method: "GET", path: `/v3/${PROJECT}/instances/rs1/restore-time`, query: [["date", day]] }),
            (reply) => decoded(Wire.RestoreTimeResponse, reply).restore_time
          )
        const databasesAt = (at: number) =>
          call(served, { method: "GET", path: `/v3/${PROJECT}/instances/rs1/restore-database`, query: [["restore_time", String(at)]] })
        expect(yield* windowsOf("2026-11-30")).toStrictEqual([{ start_time: Date.UTC(2026, 10, 30), end_time: NOW - 5 * MINUTE }])
        yield* TestClock.adjust("1 day")
        const later = NOW + DAY
        expect(yield* windowsOf("2026-11-30")).toStrictEqual([
          { start_time: Date.UTC(2026, 10, 30), end_time: Date.UTC(2026, 10, 30, 23, 59, 59) }
        ])
        expect(yield* windowsOf("2026-12-01")).toStrictEqual([{ start_time: Date.UTC(2026, 11, 1), end_time: later - 5 * MINUTE }])
        expect(decoded(Wire.RestoreDatabasesResponse, yield* databasesAt(later - HOUR)).databases).toStrictEqual(["shop"])
        // Inside the backup's lag nothing is restorable yet; a closed window stays where it was.
        expect(refusal(yield* databasesAt(later - 2 * MINUTE))).toMatchObject({ status: 400, error_code: "DBS.200001" })
        expect(refusal(yield* databasesAt(NOW - DAY - 30 * MINUTE))).toMatchObject({ status: 400, error_code: "DBS.200001" })
      }))
  })
