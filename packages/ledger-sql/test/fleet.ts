// restoreMany by runners that share one ledger, as one suite run against each ledger (memory, and
// SQLite and PostgreSQL with a connection of each runner's own, as on two machines): an instance
// whose lease another runner holds is reported InstanceBusy in its item's result, naming that
// runner, and nothing is sent for it; given a lease wait, the batch waits for it instead; in a paced
// batch a restore takes its lease only once the pace has room for it; runners given overlapping
// lists never submit to one instance at once. The service is FakeDds in memory,
// in real time, showing no instance as busy while a restore runs, so that only the ledger keeps two
// submissions apart.
import { DdsConfig, RestoreClient, RestoreLedger } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { FakeDds, Fault, Seed } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"

const HOUR = 3_600_000
const credentials = { accessKeyId: "FLEETTESTAK000000000", secretAccessKey: Redacted.make("fleet-test-secret-key-00000000000000000") }
const ids = ["rs0", "rs1", "rs2", "rs3", "rs4", "rs5"]

/** The ledgers of two runners: one ledger seen through two connections (or the same one, in memory). */
export type Ledgers = Effect.Effect<
  readonly [RestoreLedger.Service, RestoreLedger.Service],
  RestoreLedger.LedgerError,
  Scope.Scope
>

interface Fleet {
  readonly a: RestoreClient.Service
  readonly b: RestoreClient.Service
  readonly ledgerA: RestoreLedger.Service
  readonly ledgerB: RestoreLedger.Service
  readonly plan: RestorePlan.RestorePlan
  readonly keyOf: (instanceId: string) => RestoreLedger.InstanceKey
}

const failureOf = (item: RestoreClient.ItemResult | undefined) =>
  item === undefined ? undefined : Exit.match(item.result, { onSuccess: () => undefined, onFailure: (cause) => Option.getOrUndefined(Cause.failureOption(cause)) })

/** restoreMany by two runners, each with its own client, sharing one ledger. */
export const fleetSuite = (name: string, ledgers: () => Ledgers) =>
  describe(`restoreMany by runners sharing a ledger (${name})`, () => {
    const run = <A, E>(fake: FakeDds.Options, body: (fleet: Fleet) => Effect.Effect<A, E, FakeDds.FakeDds | Scope.Scope>) =>
      Effect.gen(function*() {
        const now = Date.now()
        const seed = Seed.make({
          instances: ids.map((id) =>
            Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: now - 24 * HOUR, end: now - 60_000 }], databases: { shop: ["orders"] } })
          ),
          credentials: [credentials]
        })
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - HOUR })])
        ])
        const [ledgerA, ledgerB] = yield* ledgers()
        const world = Layer.mergeAll(
          AkSkSigner.layer(credentials),
          Layer.orDie(DdsConfig.layer({ projectId: seed.projectId, endpoint: "https://dds.cn-north-4.myhuaweicloud.com" }))
        ).pipe(Layer.provideMerge(FakeDds.layerMemory(seed, { busyWhileRestoring: false, ...fake })))
        return yield* Effect.gen(function*() {
          const config = yield* DdsConfig.DdsConfig
          const client = (holder: string, ledger: RestoreLedger.Service) =>
            RestoreClient.make({ holder }).pipe(Effect.provideService(RestoreLedger.RestoreLedger, ledger))
          return yield* body({
            a: yield* client("runner-a", ledgerA),
            b: yield* client("runner-b", ledgerB),
            ledgerA,
            ledgerB,
            plan,
            keyOf: (instanceId) => ({ endpoint: config.endpoint, projectId: config.projectId, instanceId })
          })
        }).pipe(Effect.provide(world))
      })

    it.scopedLive("an instance whose lease another runner holds is InstanceBusy in its result, naming that runner; nothing is sent for it", () =>
      run({}, ({ a, keyOf, ledgerB, plan }) =>
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          yield* ledgerB.acquire(keyOf("rs1"), { holder: "runner-b", ttl: "1 minute", wait: "0 seconds" })
          const results = yield* a.restoreMany(["rs0", "rs1", "rs2"].map((instanceId) => ({ instanceId, plan })), { concurrency: 3 })
          expect(results.map((r) => [r.instanceId, r.result._tag])).toStrictEqual([["rs0", "Success"], ["rs1", "Failure"], ["rs2", "Success"]])
          expect(failureOf(results[1])).toMatchObject({ _tag: "InstanceBusy", instanceId: "rs1", holder: "runner-b" })
          expect((yield* fake.jobs).map((job) => job.instanceId).sort()).toStrictEqual(["rs0", "rs2"])
          expect((yield* fake.requests).restore).toBe(2)
        })
      ))

    it.scopedLive("given a lease wait, the batch waits for the other runner to be done with the instance, then restores it", () =>
      run({}, ({ a, keyOf, ledgerB, plan }) =>
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const held = yield* ledgerB.acquire(keyOf("rs1"), { holder: "runner-b", ttl: "1 minute", wait: "0 seconds" })
          yield* Effect.forkScoped(Effect.delay(ledgerB.release(held), "300 millis"))
          const [short] = yield* a.restoreMany([{ instanceId: "rs1", plan }], { concurrency: 1, leaseWait: "50 millis" })
          expect(failureOf(short)).toMatchObject({ _tag: "InstanceBusy", holder: "runner-b" })
          const [patient] = yield* a.restoreMany([{ instanceId: "rs1", plan }], { concurrency: 1, leaseWait: "20 seconds" })
          const [job] = yield* fake.jobs
          expect(patient?.result).toStrictEqual(Exit.succeed({ jobId: job?.id, reconciled: false }))
          expect((yield* fake.requests).restore).toBe(1)
        })
      ))

    it.scopedLive("in a paced batch, a restore whose turn has not come holds no lease: another runner takes the instance meanwhile, and the batch reports it InstanceBusy naming that runner", () =>
      run({}, ({ a, keyOf, ledgerB, plan }) =>
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          // At 1 request a second: rs-missing fails at its first read, and rs2 takes its place
          // while rs1 still has its reads and its restore to send, every slot of the pace wanted.
          const items = ["rs-missing", "rs1", "rs2"].map((instanceId) => ({ instanceId, plan }))
          const batch = yield* Effect.fork(a.restoreMany(items, { concurrency: 2, requestsPerSecond: 1 }))
          const sent = Effect.map(fake.requests, (counts) => Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0))
          while ((yield* sent) < 3) yield* Effect.sleep("10 millis")
          // rs2 waits for a slot rs1 leaves free: its lease is there for another runner to take.
          expect((yield* fake.requests).restore ?? 0).toBe(0)
          yield* ledgerB.acquire(keyOf("rs2"), { holder: "runner-b", ttl: "1 minute", wait: "0 seconds" })
          const results = yield* Fiber.join(batch)
          expect(results.map((r) => [r.instanceId, r.result._tag])).toStrictEqual([["rs-missing", "Failure"], ["rs1", "Success"], ["rs2", "Failure"]])
          expect(failureOf(results[2])).toMatchObject({ _tag: "InstanceBusy", instanceId: "rs2", holder: "runner-b" })
          expect((yield* fake.jobs).map((job) => job.instanceId)).toStrictEqual(["rs1"])
        })
      ), 60_000)

    it.scopedLive("a restore another runner starts on the instance while this one waits for its lease is seen by the preflight, run under the lease: nothing is sent, the service refuses nothing", () =>
      // The service shows the instance busy while a restore runs, as DDS does.
      run({ busyWhileRestoring: true }, ({ a, b, plan }) =>
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          // A's restore reaches the service 1 s late: its job exists only then, and A holds the
          // instance's lease until its answer came.
          yield* fake.injectFault({ operation: "restore", times: 1, fault: Fault.latency("1 second") })
          const ofA = yield* Effect.fork(a.restore("rs0", plan))
          // B starts once A's restore is on its way, before its job exists.
          while (((yield* fake.requests).restore ?? 0) === 0) yield* Effect.sleep("5 millis")
          expect(yield* fake.jobs).toStrictEqual([])
          const ofB = yield* Effect.flip(b.restore("rs0", plan, { leaseWait: "20 seconds" }))
          const [job] = yield* fake.jobs
          expect(yield* Fiber.join(ofA)).toStrictEqual({ jobId: job?.id, reconciled: false })
          // B's preflight looked at the instance once A was done with it: busy with A's job.
          expect(ofB._tag).toBe("PreflightFailed")
          const problems = ofB._tag === "PreflightFailed" ? ofB.report.problems : []
          expect(problems.map((problem) => problem.kind)).toStrictEqual(["InstanceBusy"])
          expect(problems[0]?.message).toContain("running RESTORE")
          expect((yield* fake.requests).restore).toBe(1)
          expect((yield* fake.jobs).length).toBe(1)
        })
      ), 60_000)

    it.scopedLive("two runners given the same instances at once never submit to one instance at once: each instance is restored, or busy with the other", () =>
      run({ faults: { delayRestoreAnswer: "1 second" } }, ({ a, b, keyOf, ledgerA, plan }) =>
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const items = ids.map((instanceId) => ({ instanceId, plan }))
          const [ofA, ofB] = yield* Effect.all([a.restoreMany(items, { concurrency: 6 }), b.restoreMany(items, { concurrency: 6 })], {
            concurrency: 2
          })
          const rows = [...(ofA ?? []).map((r) => ["runner-a", r] as const), ...(ofB ?? []).map((r) => ["runner-b", r] as const)]
          const busy = rows.filter(([, r]) => Exit.isFailure(r.result))
          const jobs = rows.flatMap(([, r]) => (Exit.isSuccess(r.result) ? [[r.instanceId, r.result.value.jobId] as const] : []))
          // Every failure is the other runner holding the instance: no other error.
          for (const [runner, r] of busy) {
            expect(failureOf(r)).toMatchObject({ _tag: "InstanceBusy", instanceId: r.instanceId, holder: runner === "runner-a" ? "runner-b" : "runner-a" })
          }
          // Both started together and an answer takes a second: some instances were met busy.
          expect(busy.length).toBeGreaterThan(0)
          // Each reported job is the job the service created on that instance, reported once.
          expect([...jobs].sort()).toStrictEqual((yield* fake.jobs).map((job) => [job.instanceId, job.id] as const).sort())
          expect(new Set(jobs.map(([instanceId]) => instanceId))).toStrictEqual(new Set(ids))
          // The journal: the submissions to one instance, from intent to outcome, never overlap.
          for (const id of ids) {
            const entries = yield* ledgerA.journal(keyOf(id), 0)
            expect(entries.map((entry) => entry.state)).toStrictEqual(entries.map(() => "Submitted"))
            entries.forEach((entry, i) => {
              const next = entries[i + 1]
              if (next !== undefined) expect(next.at).toBeGreaterThanOrEqual(entry.settledAt ?? Infinity)
            })
          }
        })
      ), 60_000)
  })
