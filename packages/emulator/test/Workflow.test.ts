// The whole restore over real HTTP on loopback, signed with AK/SK and checked by the emulator's
// gateway: preflight, submission, waiting on the job (Completed and Failed), and an answer lost
// on the wire settled from the task list.
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture, Fault } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { describe, expect, it } from "@effect/vitest"
import { NodeHttpClient } from "@effect/platform-node"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// Jobs of a third of a second, visible after 50 ms: the waits below poll every few tens of ms.
const emulatorOptions = { jobDuration: "300 millis", jobVisibleAfter: "50 millis" } as const
const fastWatch = { initialInterval: "20 millis", maxInterval: "50 millis", timeout: "10 seconds" } as const

const clientLayer = (emulator: Emulator.Service) =>
  RestoreClient.layer({ retryPolicy: { maxAttempts: 3, baseDelay: "10 millis", throttleDelay: "10 millis" } }).pipe(
    Layer.provide(
      Layer.mergeAll(
        HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici)),
        AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }),
        DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })
      )
    ),
    Layer.orDie
  )

/** Runs `body` with a client of a fresh emulator serving the demo fixture at the current time. */
const withEmulator = <A, E>(
  body: (emulator: Emulator.Service, now: number) => Effect.Effect<A, E, RestoreClient.RestoreClient>
) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make(emulatorOptions)
    const now = yield* Clock.currentTimeMillis
    return yield* body(emulator, now).pipe(Effect.provide(clientLayer(emulator)))
  })

const orders = DemoFixture.ordersInstanceId

const cleanPlan = (now: number) =>
  RestorePlan.make([
    RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_workflow", at: now - HOUR })])
  ])

describe("the whole restore over HTTP", () => {
  it.scopedLive("preflight lists every problem of a plan with several mistakes, with kinds and paths", () =>
    withEmulator((emulator, now) =>
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const today = Math.floor(now / DAY) * DAY
        // Read field by field only, so that nothing but the service's answers judges it.
        const plan = Schema.decodeUnknownSync(RestorePlan.FromInput)({
          restore_collections: [
            {
              database: "shop",
              collections: [
                { old_name: "orders", new_name: "customers", restore_collection_time: String(now - HOUR) },
                // 03:00 UTC four days ago: before `carts` was created, three days ago.
                { old_name: "carts", new_name: "carts_old", restore_collection_time: String(today - 4 * DAY + 3 * HOUR) },
                { old_name: "legacy_orders", new_name: "legacy_back", restore_collection_time: String(now - HOUR) }
              ]
            },
            // 06:10 UTC two days ago: in the demo's 06:00 to 06:25 gap.
            { database: "analytics", restore_database_time: String(today - 2 * DAY + 6 * HOUR + 10 * MINUTE) },
            { database: "nosuch", restore_database_time: String(now - HOUR) }
          ]
        })

        const report = yield* client.preflight(orders, plan)

        expect(report.ok).toBe(false)
        expect(report.problems.map((p) => [p.kind, p.path])).toStrictEqual([
          ["NameTaken", ["restore_collections", 0, "collections", 0, "new_name"]],
          ["NotExisting", ["restore_collections", 0, "collections", 1, "old_name"]],
          ["NotExisting", ["restore_collections", 0, "collections", 2, "old_name"]],
          ["OutsideWindow", ["restore_collections", 1, "restore_database_time"]],
          ["NotExisting", ["restore_collections", 2, "database"]]
        ])
        expect((yield* emulator.fake.requests).restore).toBeUndefined()

        const sharded = yield* client.preflight(DemoFixture.shardedInstanceId, cleanPlan(now))
        expect(sharded.problems.map((p) => [p.kind, p.path])).toStrictEqual([["NotReplicaSet", []]])
        const noIncremental = yield* client.preflight(DemoFixture.noIncrementalInstanceId, cleanPlan(now))
        expect(noIncremental.problems.map((p) => [p.kind, p.path])).toStrictEqual([["IncrementalBackupOff", []]])
      })
    ))

  it.scopedLive("a clean plan passes its preflight, is submitted, and its job is watched to Completed", () =>
    withEmulator((emulator, now) =>
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        expect((yield* client.preflight(orders, cleanPlan(now))).ok).toBe(true)
        const submission = yield* client.restore(orders, cleanPlan(now))
        expect(submission.reconciled).toBe(false)

        const snapshots = Chunk.toReadonlyArray(yield* Stream.runCollect(client.watchJob(submission.jobId, fastWatch)))
        expect(snapshots.at(-1)?.status).toBe("Completed")
        expect(snapshots.slice(0, -1).every((s) => s.status === "Running")).toBe(true)
        const job = yield* client.waitForJob(submission.jobId, fastWatch)
        expect([job.id, job.status, job.instance.id]).toStrictEqual([submission.jobId, "Completed", orders])

        const [restored] = yield* emulator.fake.jobs
        expect(restored?.restored.map((r) => r.collection)).toStrictEqual(["orders_workflow"])
      })
    ))

  it.scopedLive("a job that fails ends the wait with JobFailed and the service's reason", () =>
    withEmulator((emulator, now) =>
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        yield* emulator.fake.failNextRestore("the restore's temporary instance could not be created")
        const { jobId } = yield* client.restore(orders, cleanPlan(now))
        const error = yield* Effect.flip(client.waitForJob(jobId, fastWatch))
        expect(error).toMatchObject({
          _tag: "JobFailed",
          jobId,
          instanceId: orders,
          instanceName: "dds-orders-demo",
          failReason: "the restore's temporary instance could not be created"
        })
      })
    ))

  it.scopedLive("an answer lost on the wire (connection reset) is settled from the task list, never resent", () =>
    withEmulator((emulator, now) =>
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        yield* emulator.fake.injectFault({ operation: "restore", fault: Fault.dropAnswer("Connection") })
        const submission = yield* client.restore(orders, cleanPlan(now), {
          reconcile: { interval: "25 millis", wait: "5 seconds" }
        })
        const jobs = yield* emulator.fake.jobs
        expect(submission).toStrictEqual({ jobId: jobs[0]?.id, reconciled: true })
        expect(jobs).toHaveLength(1)
        expect((yield* emulator.fake.requests).restore).toBe(1)
        expect((yield* client.waitForJob(submission.jobId, fastWatch)).status).toBe("Completed")
      })
    ))
})
