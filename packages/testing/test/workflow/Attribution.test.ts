// Attribution by exclusion, over the fake under TestClock and under every order of the task list: a
// lost answer is settled only with a task that is new to the submission (not in its before set)
// and that no other submission of the ledger holds; more than one such task, or one that an
// unsettled submission may have started, or none but tasks other submissions claimed, is reported
// as unknown with the candidates; a submission whose caller died between sending and settling is
// settled by recover, which leaves one a live restore holds to its owner past its lease wait. Clients
// share one ledger as processes sharing a ledger file do.
import { type DdsConfig, DdsRequest, type Reconcile, RestoreClient, RestoreLedger, type Signer, type Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import { FakeDds, Fault, Seed } from "../../src/index.js"
import { atNow, configOf, credentials, DAY, ENDPOINT, HOUR, MINUTE, NOW, settled } from "./support.js"

const seed = Seed.make({
  instances: ["rs0", "rs1"].map((id) =>
    Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders"] } })
  )
})

const planFor = (newName: string) =>
  RestorePlan.make([RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName, at: NOW - HOUR })])])

/** A restore sent to the fake by someone who does not share the ledger (another tool, the console). */
const elsewhere = (instanceId: string, newName: string) =>
  Effect.gen(function*() {
    const fake = yield* FakeDds.FakeDds
    const signed = yield* AkSkSigner.make(credentials).sign(DdsRequest.make({
      method: "POST",
      url: `${ENDPOINT}/v3/${seed.projectId}/instances/${instanceId}/restore/collections`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(RestorePlan.encode(planFor(newName)))
    }))
    return (JSON.parse((yield* fake.handle(signed)).body) as { readonly job_id: string }).job_id
  })

/** The fake, one ledger, and what builds a client over both (each client is one process). */
const world = (fake: FakeDds.Options) =>
  Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), RestoreLedger.layerMemory).pipe(
    Layer.provideMerge(FakeDds.layerMemory(seed, { busyWhileRestoring: false, ...fake }))
  )

const newClient = RestoreClient.make()

const run = <A, E>(
  fake: FakeDds.Options,
  body: Effect.Effect<
    A,
    E,
    FakeDds.FakeDds | RestoreLedger.RestoreLedger | Signer.Signer | Transport.Transport | DdsConfig.DdsConfig
  >
) => atNow(body).pipe(Effect.provide(world(fake)), Logger.withMinimumLogLevel(LogLevel.Error))

/** Waits, in real time and at most 5 s, until `condition` holds (the client hashes its plan off the TestClock). */
const untilTrue = (condition: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500 && !(yield* condition); i++) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
    expect(yield* condition).toBe(true)
  })

/**
 * A submission `never-sent` to `instanceId` journaled at NOW by a process that then died: its
 * lease (30 s to live, never renewed) has run out when this ends.
 */
const diedAfterJournaling = (instanceId: string) =>
  Effect.gen(function*() {
    const ledger = yield* RestoreLedger.RestoreLedger
    const key = { endpoint: ENDPOINT, projectId: seed.projectId, instanceId }
    const lease = yield* ledger.acquire(key, { holder: "a process that died", ttl: "30 seconds", wait: "0 seconds" })
    yield* ledger.record(lease, {
      id: "never-sent",
      key,
      holder: "a process that died",
      at: NOW,
      body: "{}",
      hash: "h",
      searchFrom: NOW - 15 * MINUTE,
      before: []
    })
    yield* TestClock.adjust("31 seconds")
  })

const collectionOf = (jobs: ReadonlyArray<FakeDds.Job>, jobId: string) => jobs.find((job) => job.id === jobId)?.restored[0]?.collection

for (const taskOrder of FakeDds.taskOrders) {
  describe(`attribution by exclusion (task list ${taskOrder})`, () => {
    it.effect("an older restore task of the instance that nobody claimed is never taken for a lost answer's job", () =>
      run(
        { taskOrder, jobVisibleAfter: "5 seconds" },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const older = yield* elsewhere("rs0", "orders_elsewhere")
          yield* TestClock.adjust("1 minute")
          const client = yield* newClient
          yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer() })
          const submission = yield* settled(client.restore("rs0", planFor("orders_mine"), { preflight: false }))
          const jobs = yield* fake.jobs
          expect(jobs).toHaveLength(2)
          expect(submission.jobId).not.toBe(older)
          expect([submission.reconciled, collectionOf(jobs, submission.jobId)]).toStrictEqual([true, "orders_mine"])
          const [entry] = yield* (yield* RestoreLedger.RestoreLedger).recent(1)
          expect([entry?.state, entry?.before, entry?.outcome]).toStrictEqual([
            "Submitted",
            [older],
            RestoreLedger.Outcome.Submitted({ jobId: submission.jobId, reconciled: true })
          ])
        })
      ))

    it.effect("two new tasks after a lost answer: the outcome is unknown, with both as candidates, never a guess", () =>
      run(
        { taskOrder, jobVisibleAfter: "5 seconds" },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const client = yield* newClient
          yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer() })
          const fiber = yield* Effect.fork(Effect.flip(client.restore("rs0", planFor("orders_mine"), { preflight: false })))
          yield* untilTrue(Effect.map(fake.requests, (requests) => requests.restore === 1))
          yield* TestClock.adjust("1 second")
          // Sent while this restore's answer was lost and its job not yet shown.
          const foreign = yield* elsewhere("rs0", "orders_foreign")
          yield* TestClock.adjust("3 hours")
          const error = yield* Fiber.join(fiber)
          const jobs = yield* fake.jobs
          const mine = jobs.find((job) => job.restored[0]?.collection === "orders_mine")?.id ?? ""
          expect(error).toMatchObject({
            _tag: "RestoreOutcomeUnknown",
            instanceId: "rs0",
            candidates: [mine, foreign].sort(),
            ambiguity: "2 restore tasks new to it and held by no other submission showed up"
          })
          expect(error.message).toContain(`its job is one of ${[mine, foreign].sort().join(", ")}, and they cannot be told apart`)
          const [entry] = yield* (yield* RestoreLedger.RestoreLedger).recent(1)
          expect(entry?.outcome).toStrictEqual(
            RestoreLedger.Outcome.Unknown({ candidates: [mine, foreign].sort(), reason: "2 restore tasks new to it and held by no other submission showed up" })
          )
        })
      ))

    it.effect("the only new task after a lost answer is another submission's job: the outcome is unknown, with it as the candidate, never not started", () =>
      run(
        { taskOrder, jobVisibleAfter: "5 seconds", busyWhileRestoring: true },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const ledger = yield* RestoreLedger.RestoreLedger
          // Another process sharing the ledger restores the instance and hears its answer; its job
          // runs, and does not show in the task list yet when this client reads its before set.
          const theirs = yield* (yield* newClient).restore("rs0", planFor("orders_theirs"), { preflight: false })
          const [their] = yield* ledger.recent(1)
          const client = yield* newClient
          // Refused (the instance is busy restoring theirs), and the refusal is lost.
          yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer() })
          const error = yield* settled(Effect.flip(client.restore("rs0", planFor("orders_mine"), { preflight: false })))
          const reason = `every restore task new to it is already another submission's job (${theirs.jobId} of submission ${their?.id}), ` +
            "and the task list cannot tell whether it started one of them"
          expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId: "rs0", candidates: [theirs.jobId], ambiguity: reason })
          expect((yield* fake.jobs).map((job) => [job.id, job.restored[0]?.collection])).toStrictEqual([[theirs.jobId, "orders_theirs"]])
          expect((yield* fake.requests).restore).toBe(2)
          // Both journaled at the same instant: this client's is the other one.
          const entries = yield* ledger.recent(2)
          expect(entries.map((entry) => [entry.id === their?.id, entry.before, entry.outcome]).sort()).toStrictEqual([
            [false, [], RestoreLedger.Outcome.Unknown({ candidates: [theirs.jobId], reason })],
            [true, [], RestoreLedger.Outcome.Submitted({ jobId: theirs.jobId, reconciled: false })]
          ])
        })
      ))

    it.effect("the one new task after a lost answer, while a dead process's submission of the instance is unsettled: unknown, the task may be its job", () =>
      run(
        { taskOrder, jobVisibleAfter: "5 seconds" },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const ledger = yield* RestoreLedger.RestoreLedger
          // A process journaled a submission and died; its lease has run out, this client takes it over.
          yield* diedAfterJournaling("rs0")
          const client = yield* newClient
          yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer() })
          const error = yield* settled(Effect.flip(client.restore("rs0", planFor("orders_mine"), { preflight: false })))
          const jobs = yield* fake.jobs
          const mine = jobs.find((job) => job.restored[0]?.collection === "orders_mine")?.id ?? ""
          const reason = "submission never-sent to this instance (a process that died, 2026-11-20T12:00:00.000Z) is not settled, " +
            "and the task may be its job"
          expect([jobs.length, mine === ""]).toStrictEqual([1, false])
          expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId: "rs0", candidates: [mine], ambiguity: reason })
          const settledOnes = (yield* ledger.recent(2)).filter((entry) => entry.id !== "never-sent")
          expect(settledOnes.map((entry) => entry.outcome)).toStrictEqual([RestoreLedger.Outcome.Unknown({ candidates: [mine], reason })])
          // The dead process's submission is left for recover, untouched.
          expect((yield* ledger.unsettled()).map((e) => [e.id, e.state])).toStrictEqual([["never-sent", "Intent"]])
        })
      ))

    it.effect("two clients sharing a ledger restore one instance at once, every answer lost: one at a time, each its own job", () =>
      run(
        { taskOrder, jobVisibleAfter: "2 seconds", faults: { dropRestoreAnswer: 1 } },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const [a, b] = [yield* newClient, yield* newClient]
          const names = Array.from({ length: 10 }, (_, i) => `orders_${i}`)
          const held = yield* settled(Effect.forEach(
            names,
            (name, i) => (i % 2 === 0 ? a : b).restore("rs0", planFor(name), { preflight: false }),
            { concurrency: "unbounded" }
          ))
          const jobs = yield* fake.jobs
          expect(held.map((s) => collectionOf(jobs, s.jobId))).toStrictEqual(names)
          expect(new Set(held.map((s) => s.jobId)).size).toBe(10)
          expect((yield* fake.requests).restore).toBe(10)
        })
      ))

    it.effect("a caller that died between sending and the answer leaves an intent, and recover settles it with its job", () =>
      run(
        { taskOrder, faults: { delayRestoreAnswer: "10 seconds" } },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const ledger = yield* RestoreLedger.RestoreLedger
          const dying = yield* newClient
          const fiber = yield* Effect.fork(dying.restore("rs1", planFor("orders_crashed"), { preflight: false }))
          // Killed once the service has its restore and holds the answer back.
          yield* untilTrue(Effect.map(fake.jobs, (jobs) => jobs.length === 1))
          yield* TestClock.adjust("1 second")
          yield* Fiber.interrupt(fiber)
          const [intent] = yield* ledger.unsettled()
          expect([intent?.state, intent?.key.instanceId, intent?.body]).toStrictEqual([
            "Intent",
            "rs1",
            JSON.stringify(RestorePlan.encode(planFor("orders_crashed")))
          ])
          const recovered = yield* settled((yield* newClient).recover())
          const jobs = yield* fake.jobs
          expect(jobs.map((job) => job.restored[0]?.collection ?? job.id)).toHaveLength(1)
          expect(recovered.map((r) => [r.entry.id, r.outcome, r.left, r.problem])).toStrictEqual([
            [intent?.id, RestoreLedger.Outcome.Submitted({ jobId: jobs[0]?.id ?? "", reconciled: true }), undefined, undefined]
          ])
          expect(yield* ledger.unsettled()).toStrictEqual([])
          expect((yield* fake.requests).restore).toBe(1)
        })
      ))

    it.effect("recover records a submission whose task never showed as not started, and sends nothing", () =>
      run(
        { taskOrder },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          yield* diedAfterJournaling("rs0")
          const recovered = yield* settled((yield* newClient).recover())
          expect(recovered.map((r) => [r.entry.id, r.outcome])).toStrictEqual([["never-sent", RestoreLedger.Outcome.NotStarted()]])
          expect((yield* fake.requests).restore ?? 0).toBe(0)
        })
      ))
  })
}

describe("recover beside a restore in flight (leaseWait)", () => {
  /**
   * A dead process's submission to rs1, then a live restore of rs0 whose answer the service holds
   * back 10 seconds: the live one's lease (30 s to live, renewed every 10 s) is held from `takenAt`.
   */
  const restoring = Effect.gen(function*() {
    const fake = yield* FakeDds.FakeDds
    yield* diedAfterJournaling("rs1")
    const live = yield* RestoreClient.make({ holder: "a live restore" })
    const fiber = yield* Effect.fork(live.restore("rs0", planFor("orders_live"), { preflight: false }))
    yield* untilTrue(Effect.map(fake.jobs, (jobs) => jobs.length === 1))
    return { fiber, takenAt: yield* Clock.currentTimeMillis }
  })

  // In the order of their instances: rs0 (the live restore's), rs1 (the dead process's).
  const byInstance = (recovered: ReadonlyArray<Reconcile.Recovered>) =>
    [...recovered].sort((a, b) => a.entry.key.instanceId.localeCompare(b.entry.key.instanceId)).map((r) => [
      r.entry.key.instanceId,
      r.outcome,
      r.left,
      r.problem
    ])

  for (const [leaseWait, waited] of [[0, 0], ["5 seconds", 5_000]] as const) {
    it.effect(`leaseWait ${leaseWait}: the live restore's submission is left InstanceBusy after ${waited} ms, the dead one's is settled`, () =>
      run(
        { faults: { delayRestoreAnswer: "10 seconds" } },
        Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          const { fiber, takenAt } = yield* restoring
          const recovered = yield* settled((yield* newClient).recover({ leaseWait }))
          const busy = new RestoreLedger.InstanceBusy({ instanceId: "rs0", holder: "a live restore", expiresAt: takenAt + 30_000, waited })
          expect(byInstance(recovered)).toStrictEqual([
            ["rs0", undefined, "InstanceBusy", busy.message],
            ["rs1", RestoreLedger.Outcome.NotStarted(), undefined, undefined]
          ])
          // Left to its live owner, which settles it with its own job.
          const own = yield* Fiber.join(fiber)
          expect([own, collectionOf(yield* fake.jobs, own.jobId)]).toStrictEqual([{ jobId: own.jobId, reconciled: false }, "orders_live"])
          expect(yield* (yield* RestoreLedger.RestoreLedger).unsettled()).toStrictEqual([])
          expect((yield* fake.requests).restore).toBe(1)
        })
      ))
  }

  it.effect("a wait that outlasts the live restore sees its lease freed: its submission was settled by its owner meanwhile", () =>
    run(
      { faults: { delayRestoreAnswer: "10 seconds" } },
      Effect.gen(function*() {
        const fake = yield* FakeDds.FakeDds
        const { fiber } = yield* restoring
        const recovered = yield* settled((yield* newClient).recover({ leaseWait: "1 minute" }))
        expect(byInstance(recovered)).toStrictEqual([
          ["rs0", undefined, "SettledElsewhere", "settled by another process meanwhile"],
          ["rs1", RestoreLedger.Outcome.NotStarted(), undefined, undefined]
        ])
        const own = yield* Fiber.join(fiber)
        const [entry] = yield* (yield* RestoreLedger.RestoreLedger).recent(1)
        expect([entry?.holder, entry?.outcome]).toStrictEqual(["a live restore", RestoreLedger.Outcome.Submitted({ jobId: own.jobId, reconciled: false })])
        expect((yield* fake.requests).restore).toBe(1)
      })
    ))

  it.effect("a lease wait that is not a finite duration is refused before the ledger is read, and nothing is settled", () =>
    run(
      {},
      Effect.gen(function*() {
        yield* diedAfterJournaling("rs1")
        const error = yield* Effect.flip((yield* newClient).recover({ leaseWait: Duration.infinity }))
        expect(error).toMatchObject({ _tag: "InvalidArgument", operation: "recover", argument: "leaseWait" })
        expect(error.message).toBe(
          "recover: leaseWait \"Duration(Infinity)\" is not a wait for a lease: give a finite duration, such as \"30 seconds\", or 0 not to wait."
        )
        expect((yield* (yield* RestoreLedger.RestoreLedger).unsettled()).map((entry) => entry.id)).toStrictEqual(["never-sent"])
      })
    ))
})
