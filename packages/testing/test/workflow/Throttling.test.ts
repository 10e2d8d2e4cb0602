// Under 30% throttling (the fake's seeded draws, so the run is the same every time): every read
// of preflight, submission and wait succeeds within its bounded attempts, and no restore is ever
// submitted twice, because only a refusal before any work is resent.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, DAY, HOUR, MINUTE, NOW, observedClientOver, settled } from "./support.js"

const INSTANCES = Array.from({ length: 20 }, (_, i) => `rs${i}`)

const seed = Seed.make({
  instances: INSTANCES.map((id) =>
    Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders", "carts"] } })
  )
})

const plan = RestorePlan.make([
  RestorePlan.collections("shop", [
    RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: NOW - HOUR }),
    RestorePlan.collection({ oldName: "carts", newName: "carts_restored", at: NOW - 2 * HOUR })
  ])
])

describe("under 30% throttling", () => {
  it.effect("every read succeeds within its bounded attempts, and every restore is submitted exactly once", () => {
    // 12 attempts: the chance that one read is throttled 12 times in a row is 0.3^12, about 5e-7.
    const observed = observedClientOver(seed, { faults: { throttle: 0.3 } }, { maxAttempts: 12, maxElapsed: "10 minutes" })
    return atNow(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const fake = yield* FakeDds.FakeDds

      const outcomes = yield* settled(Effect.forEach(
        INSTANCES,
        (id) =>
          Effect.gen(function*() {
            const submission = yield* client.restore(id, plan)
            const job = yield* client.waitForJob(submission.jobId)
            return { id, submission, job }
          }),
        { concurrency: "unbounded" }
      ))

      expect(outcomes.map((o) => [o.id, o.submission.reconciled, o.job.status, o.job.instance.id])).toStrictEqual(
        INSTANCES.map((id) => [id, false, "Completed", id])
      )
      const jobs = yield* fake.jobs
      expect(jobs.map((job) => job.id).sort()).toStrictEqual(outcomes.map((o) => o.submission.jobId).sort())
      const throttled = observed.sent.filter((s) => s.status === 429).length
      const restores = (yield* fake.requests).restore ?? 0
      // The draws did throttle (restores included), and each throttled restore was resent: one
      // accepted submission per instance, no more.
      expect(throttled).toBeGreaterThan(50)
      expect(restores).toBeGreaterThan(INSTANCES.length)
      expect(jobs.length).toBe(INSTANCES.length)
      expect(observed.sent.filter((s) => s.status !== 200 && s.status !== 429 && s.status !== 404)).toStrictEqual([])
    })).pipe(Effect.provide(observed.layer))
  })
})
