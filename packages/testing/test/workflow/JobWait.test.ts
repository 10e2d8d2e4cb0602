// Waiting on a restore job over the fake, where only the TestClock can show it: the exact schedule
// of reads and snapshots, a 404 while the job is not visible yet, the timeout, and interruption.
// Completed and Failed are scenarios of the workflow suite (suite/Jobs.ts).
import { type JobWatch, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, clientOver, DAY, HOUR, MINUTE, NOW, settled } from "./support.js"

const seed = Seed.make({
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "orders-rs",
      windows: [{ start: NOW - DAY, end: NOW - MINUTE }],
      databases: { shop: ["orders"] }
    })
  ]
})

const plan = RestorePlan.make([
  RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: NOW - HOUR })])
])

const run = <A, E>(effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>, fake: FakeDds.Options = {}) =>
  atNow(effect).pipe(Effect.provide(clientOver(seed, fake)))

const submit = Effect.flatMap(RestoreClient.RestoreClient, (client) => client.restore("rs1", plan, { preflight: false }))

const jobReads = Effect.map(Effect.flatMap(FakeDds.FakeDds, (fake) => fake.requests), (requests) => requests.job ?? 0)

describe("waitForJob and watchJob", () => {
  it.effect("watchJob emits a snapshot on every change, 404s first, and ends after Completed", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const { jobId } = yield* submit
        const options: JobWatch.Options = { initialInterval: "1 second", maxInterval: "1 minute" }
        const snapshots = yield* settled(Stream.runCollect(client.watchJob(jobId, options)))

        // Reads at 0 s and 1 s answer 404 (visible after 3 s); then 3, 7, 15, 31, 63 s and every
        // minute up to 603 s. A read whose progress equals the last one's (7 s: still 0%) emits nothing.
        expect(Chunk.toReadonlyArray(snapshots).map((s) => [s.status, s.progress])).toStrictEqual([
          ["Running", 0],
          ["Running", 2],
          ["Running", 4],
          ["Running", 10],
          ["Running", 20],
          ["Running", 30],
          ["Running", 40],
          ["Running", 50],
          ["Running", 60],
          ["Running", 70],
          ["Running", 80],
          ["Running", 90],
          ["Completed", undefined]
        ])
        const last = Chunk.unsafeLast(snapshots)
        expect([last.id, last.job.id, last.job.name, last.job.instance.id]).toStrictEqual([jobId, jobId, "MongodbRestoreTable", "rs1"])
        expect(yield* jobReads).toBe(16)
      }),
      { jobDuration: "10 minutes", jobVisibleAfter: "3 seconds" }
    ))

  it.effect("a 404 is 'not visible yet' for notVisibleFor, then JobNotFound", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const { jobId } = yield* submit
        // Visible after 20 s: inside the default 30 s, the wait goes on and ends Completed.
        expect((yield* settled(client.waitForJob(jobId))).status).toBe("Completed")

        const impatient = yield* settled(Effect.flip(client.waitForJob("a-job-that-does-not-exist", { notVisibleFor: "10 seconds" })))
        expect(impatient).toMatchObject({ _tag: "JobNotFound", jobId: "a-job-that-does-not-exist", waitedMillis: 14_000 })
        expect(impatient.message).toContain("check the job id")
      }),
      { jobVisibleAfter: "20 seconds" }
    ))

  it.effect("a job that does not end within the timeout fails the wait with JobWaitTimeout, saying where it was", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const { jobId } = yield* submit
        const error = yield* settled(Effect.flip(client.waitForJob(jobId, { timeout: "1 hour" })))
        // The last read is at the deadline exactly: 3600 s after a 3-hour job became visible at 3 s.
        expect(error).toMatchObject({ _tag: "JobWaitTimeout", jobId, waitedMillis: HOUR, lastStatus: "Running", lastProgress: 33 })
        expect(error.message).toContain("It may still be running")
      }),
      { jobDuration: "3 hours" }
    ))

  it.effect("an interrupted wait stops polling at once", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const { jobId } = yield* submit
        const fiber = yield* Effect.fork(client.waitForJob(jobId))
        yield* TestClock.adjust("20 seconds")
        const before = yield* jobReads
        const exit = yield* Fiber.interrupt(fiber)
        yield* TestClock.adjust("2 hours")
        expect(Exit.isInterrupted(exit)).toBe(true)
        expect(before).toBe(4)
        expect(yield* jobReads).toBe(before)
      }),
      { jobDuration: "1 hour" }
    ))
})
