// RestoreClient.preflight: every problem of a plan in one report, with its kind and its path into
// the wire body, each read made once; a plan with problems is never sent; a clean plan passes and
// its restore completes.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Seed } from "@dds-restore/testing"
import { describe, expect } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { DAY, type Harness, HOUR, MINUTE, seedOf } from "./Harness.js"

/** The instance `rs1` and its times, around `now`. */
const world = (now: number) => {
  /** Restorable for three days up to five minutes ago, with a gap of an hour two days ago. */
  const windows = [
    { start: now - 3 * DAY, end: now - 2 * DAY - HOUR },
    { start: now - 2 * DAY, end: now - 5 * MINUTE }
  ]
  const times = {
    /** Inside a window, when every seeded collection but `carts` existed. */
    ok: now - HOUR,
    /** Inside a window, before `carts` was created. */
    early: now - 2 * DAY + HOUR,
    /** In the gap. */
    gap: now - 2 * DAY - 30 * MINUTE,
    /** `events` restored without a new name to this time would be `events_bak_<defaultName>`, which exists. */
    defaultName: now - 3 * HOUR
  }
  const seed = seedOf({
    instances: [
      Seed.replicaSet({
        id: "rs1",
        name: "orders-rs",
        windows,
        databases: {
          shop: [
            "orders",
            "customers",
            { name: "carts", createdAt: now - DAY },
            { name: "legacy", droppedAt: now - DAY },
            { name: "orders_fix", createdAt: now - 2 * HOUR }
          ],
          analytics: ["events", { name: `events_bak_${times.defaultName}`, createdAt: now - 2 * HOUR }],
          reports: ["daily"]
        }
      }),
      Seed.sharded({
        id: "sh1",
        name: "cluster",
        status: "frozen",
        actions: ["RESIZE"],
        incrementalBackup: false,
        windows,
        databases: { shop: ["orders"] }
      })
    ]
  })
  const clean = RestorePlan.make([
    RestorePlan.collections("shop", [
      RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: times.ok }),
      RestorePlan.collection({ oldName: "carts", newName: "carts_restored", at: times.ok })
    ]),
    RestorePlan.database("reports", times.early)
  ])
  return { now, seed, times, clean }
}

type World = ReturnType<typeof world>

/** Ten mistakes, as a plan file would hold them. */
const mistaken = ({ now, times }: World) => ({
  restore_collections: [
    {
      database: "shop",
      collections: [
        { old_name: "orders", new_name: "orders_fix", restore_collection_time: String(times.ok) },
        { old_name: "carts", new_name: "carts_r", restore_collection_time: String(times.early) },
        { old_name: "legacy", new_name: "legacy_r", restore_collection_time: String(times.ok) },
        { old_name: "customers", restore_collection_time: String(times.gap) }
      ]
    },
    { database: "analytics", collections: [{ old_name: "events", restore_collection_time: String(times.defaultName) }] },
    { database: "reports", restore_database_time: String(now + HOUR) },
    { database: "nosuch", restore_database_time: String(times.ok) },
    {
      database: "d".repeat(50),
      collections: [{ old_name: "c".repeat(40), new_name: "n".repeat(75), restore_collection_time: String(times.ok) }]
    },
    { database: "reports", restore_database_time: String(times.ok) }
  ]
})

export const preflightScenarios = (h: Harness) =>
  describe("preflight", () => {
    /** Runs `body` on the world around the harness's now, with a client over it. */
    const run = <A, E>(body: (w: World) => Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>) =>
      Effect.gen(function*() {
        const w = world(yield* h.now)
        const { layer } = yield* h.client(w.seed)
        return yield* Effect.provide(body(w), layer)
      })

    h.it("one run reports every problem of a plan with several mistakes, with its kind and path, each read made once", () =>
      run((w) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          yield* fake.updateInstance("rs1", { actions: ["BACKUP"] })
          // Read field by field only: decode would refuse the plan's own two mistakes before any read.
          const plan = Schema.decodeUnknownSync(RestorePlan.FromInput)(mistaken(w))

          const report = yield* client.preflight("rs1", plan)

          expect(report.ok).toBe(false)
          expect(report.instanceId).toBe("rs1")
          expect(report.problems.map((p) => [p.kind, p.path])).toStrictEqual([
            ["InstanceBusy", []],
            ["NameTaken", ["restore_collections", 0, "collections", 0, "new_name"]],
            ["NotExisting", ["restore_collections", 0, "collections", 1, "old_name"]],
            ["NotExisting", ["restore_collections", 0, "collections", 2, "old_name"]],
            ["OutsideWindow", ["restore_collections", 0, "collections", 3, "restore_collection_time"]],
            ["NameTaken", ["restore_collections", 1, "collections", 0, "old_name"]],
            ["OutsideWindow", ["restore_collections", 2, "restore_database_time"]],
            ["NotExisting", ["restore_collections", 3, "database"]],
            ["NamespaceTooLong", ["restore_collections", 4, "collections", 0, "new_name"]],
            ["NotExisting", ["restore_collections", 4, "collections", 0, "old_name"]],
            ["InvalidPlan", ["restore_collections", 5, "database"]]
          ])
          const [busy, taken, , , gap, defaultTaken] = report.problems
          expect(busy?.message).toBe("instance orders-rs (rs1) is normal, running BACKUP, and the service refuses a restore until it is normal and idle")
          expect(taken?.message).toContain(`collection "orders_fix" already exists in database "shop"`)
          expect(defaultTaken?.message).toContain(`collection "events_bak_${w.times.defaultName}" already exists in database "analytics"`)
          for (const problem of report.problems) expect(problem.hint.length).toBeGreaterThan(0)
          if (!h.exact) return
          // From here on, what depends on where midnight UTC falls: `now` is 12:00 on the TestClock.
          // 11:30 is as far from the window ending at 11:00 as from the one starting at 12:00 (the
          // service splits windows at midnight): the earlier one is named.
          const before = { start: w.now - 2 * DAY - 12 * HOUR, end: w.now - 2 * DAY - HOUR }
          expect(gap?.message).toBe(
            `${new Date(w.times.gap).toISOString()} (${w.times.gap}) is outside every restorable window; the nearest is ` +
              `${new Date(before.start).toISOString()} to ${new Date(before.end).toISOString()} (${before.start} to ${before.end})`
          )
          // Days read: today and two days ago, then the days either side of the gap's day; nothing
          // after today. Times: one restore-database read for `ok`; restore-collection reads for
          // (shop, ok), (shop, early), (analytics, defaultName), (long, ok), and each of those
          // three databases at the latest restorable time.
          expect(yield* fake.requests).toStrictEqual({
            instances: 1,
            backupPolicy: 1,
            restoreTime: 4,
            restoreDatabases: 1,
            restoreCollections: 7
          })
        })
      ))

    h.it("instance-level problems are reported together, and time checks wait for incremental backup", () =>
      run((w) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const report = yield* client.preflight("sh1", w.clean)
          expect(report.problems.map((p) => [p.kind, p.path])).toStrictEqual([
            ["NotReplicaSet", []],
            ["InstanceBusy", []],
            ["IncrementalBackupOff", []]
          ])
          expect(report.problems.map((p) => p.hint)).toStrictEqual([
            "Restore to a replica set instance, or restore this one from a backup instead",
            "Wait until the instance is normal with no operation running, then try again",
            "Turn incremental backup on in the instance's backup policy; the times after that become restorable"
          ])
          const missing = yield* client.preflight("nosuchin02", w.clean)
          expect(missing).toStrictEqual({
            instanceId: "nosuchin02",
            ok: false,
            problems: [{
              kind: "InstanceNotFound",
              path: [],
              message: "there is no instance nosuchin02 in this project and region",
              hint: "Check the instance id, and that the project id and the endpoint (region) are the instance's"
            }]
          })
        })
      ))

    h.it("restore refuses a plan whose preflight finds problems, sending no restore, and says what to do about each", () =>
      run((w) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          const error = yield* Effect.flip(client.restore("sh1", w.clean))
          expect(error._tag).toBe("PreflightFailed")
          if (error._tag !== "PreflightFailed") return
          expect(error.report.problems.map((p) => p.kind)).toStrictEqual(["NotReplicaSet", "InstanceBusy", "IncrementalBackupOff"])
          expect(error.message).toBe(
            "The restore on instance sh1 was not sent: its preflight found 3 problems. Correct them and submit again:\n" +
              "- instance: instance cluster (sh1) is a Sharding instance, and databases and collections are restored to a point in time on replica sets only. Restore to a replica set instance, or restore this one from a backup instead\n" +
              "- instance: instance cluster (sh1) is frozen, running RESIZE, and the service refuses a restore until it is normal and idle. Wait until the instance is normal with no operation running, then try again\n" +
              "- instance: incremental backup is off on instance cluster (sh1), so it has no point in time to restore to. Turn incremental backup on in the instance's backup policy; the times after that become restorable"
          )
          expect((yield* fake.requests).restore).toBeUndefined()
          expect(yield* fake.jobs).toStrictEqual([])
        })
      ))

    h.it("a clean plan passes, its restore is submitted, and its job is watched to Completed", () =>
      run((w) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          expect(yield* client.preflight("rs1", w.clean)).toStrictEqual({ instanceId: "rs1", ok: true, problems: [] })

          const submission = yield* client.restore("rs1", w.clean)
          expect(submission.reconciled).toBe(false)
          const snapshots = yield* h.settled(Stream.runCollect(client.watchJob(submission.jobId, h.timing.watch)))
          const statuses = Chunk.toReadonlyArray(snapshots).map((s) => s.status)
          expect(statuses.at(-1)).toBe("Completed")
          expect(statuses.slice(0, -1).every((status) => status === "Running")).toBe(true)
          const job = yield* h.settled(client.waitForJob(submission.jobId, h.timing.watch))
          expect([job.id, job.status, job.instance.id]).toStrictEqual([submission.jobId, "Completed", "rs1"])
          const [restored] = yield* fake.jobs
          expect(restored?.restored.map((r) => `${r.database}.${r.collection}`)).toStrictEqual([
            "shop.orders_restored",
            "shop.carts_restored",
            `reports.daily_bak_${w.times.early}`
          ])
          expect((yield* fake.requests).restore).toBe(1)
        })
      ))
  })
