// RestoreClient.preflight over the fake: every problem of a plan in one report, with its kind and
// its path into the wire body, each read made once; a clean plan passes and its restore completes.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, clientOver, DAY, HOUR, MINUTE, NOW, settled } from "./support.js"

/** Restorable for three days up to five minutes ago, with a gap of an hour two days ago (11:00 to 12:00 UTC). */
const WINDOWS = [
  { start: NOW - 3 * DAY, end: NOW - 2 * DAY - HOUR },
  { start: NOW - 2 * DAY, end: NOW - 5 * MINUTE }
]

/** A time inside a window when every seeded collection but `carts` existed. */
const T_OK = NOW - HOUR
/** Inside a window, before `carts` was created. */
const T_EARLY = NOW - 2 * DAY + HOUR
/** In the gap. */
const T_GAP = NOW - 2 * DAY - 30 * MINUTE
/** `events` restored without a new name to this time would be `events_bak_<T_DEFAULT>`, which exists. */
const T_DEFAULT = NOW - 3 * HOUR

const seed = Seed.make({
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "orders-rs",
      windows: WINDOWS,
      databases: {
        shop: [
          "orders",
          "customers",
          { name: "carts", createdAt: NOW - DAY },
          { name: "legacy", droppedAt: NOW - DAY },
          { name: "orders_fix", createdAt: NOW - 2 * HOUR }
        ],
        analytics: ["events", { name: `events_bak_${T_DEFAULT}`, createdAt: NOW - 2 * HOUR }],
        reports: ["daily"]
      }
    }),
    Seed.sharded({
      id: "sh1",
      name: "cluster",
      status: "frozen",
      actions: ["RESIZE"],
      incrementalBackup: false,
      windows: WINDOWS,
      databases: { shop: ["orders"] }
    })
  ]
})

const longDatabase = "d".repeat(50)

/** Ten mistakes, as a plan file would hold them. */
const mistaken = {
  restore_collections: [
    {
      database: "shop",
      collections: [
        { old_name: "orders", new_name: "orders_fix", restore_collection_time: String(T_OK) },
        { old_name: "carts", new_name: "carts_r", restore_collection_time: String(T_EARLY) },
        { old_name: "legacy", new_name: "legacy_r", restore_collection_time: String(T_OK) },
        { old_name: "customers", restore_collection_time: String(T_GAP) }
      ]
    },
    { database: "analytics", collections: [{ old_name: "events", restore_collection_time: String(T_DEFAULT) }] },
    { database: "reports", restore_database_time: String(NOW + HOUR) },
    { database: "nosuch", restore_database_time: String(T_OK) },
    {
      database: longDatabase,
      collections: [{ old_name: "c".repeat(40), new_name: "n".repeat(75), restore_collection_time: String(T_OK) }]
    },
    { database: "reports", restore_database_time: String(T_OK) }
  ]
}

const clean = RestorePlan.make([
  RestorePlan.collections("shop", [
    RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: T_OK }),
    RestorePlan.collection({ oldName: "carts", newName: "carts_restored", at: T_OK })
  ]),
  RestorePlan.database("reports", T_EARLY)
])

const run = <A, E>(effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>) =>
  atNow(effect).pipe(Effect.provide(clientOver(seed)))

describe("preflight", () => {
  it.effect("one run reports every problem of a plan with several mistakes, with its kind and path, each read made once", () =>
    run(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const fake = yield* FakeDds.FakeDds
      yield* fake.updateInstance("rs1", { actions: ["BACKUP"] })
      // Read field by field only: decode would refuse the plan's own two mistakes before any read.
      const plan = Schema.decodeUnknownSync(RestorePlan.FromInput)(mistaken)

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
      expect(defaultTaken?.message).toContain(`collection "events_bak_${T_DEFAULT}" already exists in database "analytics"`)
      // 11:30 is as far from the window ending at 11:00 as from the one starting at 12:00 (the
      // service splits windows at midnight): the earlier one is named.
      const before = { start: NOW - 2 * DAY - 12 * HOUR, end: NOW - 2 * DAY - HOUR }
      expect(gap?.message).toBe(
        `${new Date(T_GAP).toISOString()} (${T_GAP}) is outside every restorable window; the nearest is ` +
          `${new Date(before.start).toISOString()} to ${new Date(before.end).toISOString()} (${before.start} to ${before.end})`
      )
      for (const problem of report.problems) expect(problem.hint.length).toBeGreaterThan(0)

      // Days read: today and two days ago, then the days either side of the gap's day; nothing
      // after today. Times: one restore-database read for T_OK; restore-collection reads for
      // (shop, T_OK), (shop, T_EARLY), (analytics, T_DEFAULT), (long, T_OK), and each of those
      // three databases at the latest restorable time.
      expect(yield* fake.requests).toStrictEqual({
        instances: 1,
        backupPolicy: 1,
        restoreTime: 4,
        restoreDatabases: 1,
        restoreCollections: 7
      })
    })))

  it.effect("instance-level problems are reported together, and time checks wait for incremental backup", () =>
    run(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const report = yield* client.preflight("sh1", clean)
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
      const missing = yield* client.preflight("nosuchin02", clean)
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
    })))

  it.effect("restore refuses a plan whose preflight finds problems, sending no restore, and says what to do about each", () =>
    run(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const fake = yield* FakeDds.FakeDds
      const error = yield* Effect.flip(client.restore("sh1", clean))
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
    })))

  it.effect("a clean plan passes, and its restore is submitted and completes", () =>
    run(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const fake = yield* FakeDds.FakeDds
      expect(yield* client.preflight("rs1", clean)).toStrictEqual({ instanceId: "rs1", ok: true, problems: [] })

      const submission = yield* client.restore("rs1", clean)
      expect(submission.reconciled).toBe(false)
      const job = yield* settled(client.waitForJob(submission.jobId))
      expect([job.id, job.status, job.instance.id]).toStrictEqual([submission.jobId, "Completed", "rs1"])
      const [restored] = yield* fake.jobs
      expect(restored?.restored.map((r) => `${r.database}.${r.collection}`)).toStrictEqual([
        "shop.orders_restored",
        "shop.carts_restored",
        `reports.daily_bak_${T_EARLY}`
      ])
      expect((yield* fake.requests).restore).toBe(1)
    })))
})
