// A restore whose answer is lost: the client never resends it blindly, finds its job in the task
// list, and hands every caller its own job, even with a crowd of callers whose every answer is lost.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Fault, Seed } from "@dds-restore/testing"
import { describe, expect } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { DAY, type FakeOptions, type Harness, HOUR, MINUTE, type Sent, seedOf } from "./Harness.js"

const INSTANCES = ["rs0", "rs1", "rs2", "rs3", "rs4"] as const
const CROWD_TIMEOUT = 600_000

export const lostAnswerScenarios = (h: Harness) =>
  describe("a restore whose answer is lost", () => {
    /**
     * Runs `body` with a client over five replica sets holding `shop.orders`, and a plan that
     * restores `orders` under a name of the caller's own, so that its job can be told from the others.
     */
    const run = <A, E>(
      fake: FakeOptions,
      body: (
        planFor: (newName: string) => RestorePlan.RestorePlan,
        sent: ReadonlyArray<Sent>
      ) => Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>
    ) =>
      Effect.gen(function*() {
        const now = yield* h.now
        const seed = seedOf({
          instances: INSTANCES.map((id) =>
            Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: now - DAY, end: now - MINUTE }], databases: { shop: ["orders"] } })
          )
        })
        const planFor = (newName: string) =>
          RestorePlan.make([RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName, at: now - HOUR })])])
        const observed = yield* h.client(seed, { fake })
        // A warning for every lost answer is expected here; only an error is worth printing.
        return yield* body(planFor, observed.sent).pipe(Effect.provide(observed.layer), Logger.withMinimumLogLevel(LogLevel.Error))
      })

    // Set-up: the fake loses the answer to every restore (the job IS created), and new jobs are in
    // the task list at once. `busyWhileRestoring: false`, deliberately: with it on, the fake refuses
    // a second restore of an instance while the first runs, so no two jobs of one instance would
    // ever be in the task list together; with it off, a fifth of the crowd restores each instance
    // at once, which is exactly when jobs cannot be told apart by instance and time, and reconcile
    // must not hand one caller another's job. Visibility after a delay is the next test's subject.
    // Every restore reads the whole task list twice (its before set, then its lookup): about
    // 28 s of work for 1,000 callers before the ledger, a few times that now, bounded at 10 minutes.
    // Nothing may depend on the order of the task list: the crowd and the late job under each one.
    for (const taskOrder of FakeDds.taskOrders) {
    h.it(`${h.crowd.toLocaleString("en-US")} concurrent restores, every answer lost: exactly ${h.crowd.toLocaleString("en-US")} jobs, and each caller holds its own (task list ${taskOrder})`, () =>
      run({ faults: { dropRestoreAnswer: 1 }, busyWhileRestoring: false, jobVisibleAfter: "0 seconds", taskOrder }, (planFor, sent) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          const callers = Array.from({ length: h.crowd }, (_, i) => ({
            instanceId: INSTANCES[i % INSTANCES.length] ?? "rs0",
            newName: `orders_caller_${i}`
          }))

          const held = yield* Effect.forEach(
            callers,
            (caller) =>
              client.restore(caller.instanceId, planFor(caller.newName), { preflight: false, reconcile: h.timing.reconcile }),
            { concurrency: "unbounded" }
          )

          expect(held.every((submission) => submission.reconciled)).toBe(true)
          expect(new Set(held.map((submission) => submission.jobId)).size).toBe(h.crowd)
          const jobs = new Map((yield* fake.jobs).map((job) => [job.id, job]))
          expect(jobs.size).toBe(h.crowd)
          // Its own job: on its instance, restoring under the name only this caller used.
          const mismatched = callers.filter((caller, i) => {
            const job = jobs.get(held[i]?.jobId ?? "")
            return job === undefined || job.instanceId !== caller.instanceId || job.restored[0]?.collection !== caller.newName
          })
          expect(mismatched).toStrictEqual([])
          // Each restore was sent once and its answer cut off; none was resent blindly.
          expect((yield* fake.requests).restore).toBe(h.crowd)
          const posts = sent.filter((s) => s.method === "POST")
          expect([posts.length, posts.filter((s) => s.status === undefined).length]).toStrictEqual([h.crowd, h.crowd])
        })
      ), CROWD_TIMEOUT)

    h.it(`a job that shows in the task list only some reads later is found by polling it (task list ${taskOrder})`, () => {
      // Visible after one and two thirds intervals: the reads at 0 and 1 interval miss it, the third finds it.
      const late = Duration.millis(Duration.toMillis(h.timing.reconcile.interval) * 5 / 3)
      return run({ faults: { dropRestoreAnswer: 1 }, busyWhileRestoring: false, jobVisibleAfter: late, taskOrder }, (planFor) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          const held = yield* h.settled(Effect.forEach(
            Array.from({ length: 20 }, (_, i) => `orders_late_${i}`),
            (name) => client.restore("rs0", planFor(name), { preflight: false, reconcile: h.timing.reconcile }),
            { concurrency: "unbounded" }
          ))
          const jobs = yield* fake.jobs
          expect(held.map((s) => s.reconciled)).toStrictEqual(Array.from({ length: 20 }, () => true))
          expect(held.map((s) => jobs.find((job) => job.id === s.jobId)?.restored[0]?.collection)).toStrictEqual(
            Array.from({ length: 20 }, (_, i) => `orders_late_${i}`)
          )
          expect((yield* fake.requests).restore).toBe(20)
          // Each restore read the list before it was sent (its before set), then at once after its
          // answer was lost (nothing new), an interval later (still not visible) and two intervals
          // later; in real time a slow read can shift the reads past the job's showing.
          if (h.exact) expect((yield* fake.requests).tasks).toBe(80)
        })
      )
    })
    }

    h.it("an answer lost on the wire (connection reset) is settled from the task list, never resent, and its job completes", () =>
      run({}, (planFor) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer("Connection") })
          const submission = yield* h.settled(client.restore("rs0", planFor("orders_reset"), { reconcile: h.timing.reconcile }))
          const jobs = yield* fake.jobs
          expect(submission).toStrictEqual({ jobId: jobs[0]?.id, reconciled: true })
          expect(jobs).toHaveLength(1)
          expect((yield* fake.requests).restore).toBe(1)
          expect((yield* h.settled(client.waitForJob(submission.jobId, h.timing.watch))).status).toBe("Completed")
        })
      ))
  })
