// Under 30% throttling, every read of preflight, submission and wait succeeds within its bounded
// attempts, and no restore is ever submitted twice, because only a refusal before any work is resent.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Seed } from "@dds-restore/testing"
import { describe, expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { DAY, type Harness, HOUR, MINUTE, seedOf } from "./Harness.js"

const INSTANCES = Array.from({ length: 20 }, (_, i) => `rs${i}`)

export const throttlingScenarios = (h: Harness) =>
  describe("under 30% throttling", () => {
    h.it("every read succeeds within its bounded attempts, and every restore is submitted exactly once", () =>
      Effect.gen(function*() {
        const now = yield* h.now
        const seed = seedOf({
          instances: INSTANCES.map((id) =>
            Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: now - DAY, end: now - MINUTE }], databases: { shop: ["orders", "carts"] } })
          )
        })
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [
            RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - HOUR }),
            RestorePlan.collection({ oldName: "carts", newName: "carts_restored", at: now - 2 * HOUR })
          ])
        ])
        // 12 attempts: the chance that one read is throttled 12 times in a row is 0.3^12, about 5e-7.
        const observed = yield* h.client(seed, {
          fake: { faults: { throttle: 0.3 } },
          retryPolicy: { ...h.timing.retryPolicy, maxAttempts: 12, maxElapsed: "10 minutes" }
        })
        yield* Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds

          const outcomes = yield* h.settled(Effect.forEach(
            INSTANCES,
            (id) =>
              Effect.gen(function*() {
                const submission = yield* client.restore(id, plan)
                const job = yield* client.waitForJob(submission.jobId, h.timing.watch)
                return { id, submission, job }
              }),
            { concurrency: "unbounded" }
          ))

          expect(outcomes.map((o) => [o.id, o.submission.reconciled, o.job.status, o.job.instance.id])).toStrictEqual(
            INSTANCES.map((id) => [id, false, "Completed", id])
          )
          // One job per restore, each the one its caller holds, on the instance that caller restored.
          const jobs = yield* fake.jobs
          expect(jobs.map((job) => [job.id, job.instanceId]).sort()).toStrictEqual(
            outcomes.map((o) => [o.submission.jobId, o.id]).sort()
          )
          // The fake did throttle (restores included), and nothing else went wrong (a 404 is a job
          // not visible yet). The draws are the same every run on the TestClock only.
          const throttled = observed.sent.filter((s) => s.status === 429).length
          const restores = (yield* fake.requests).restore ?? 0
          expect(throttled).toBeGreaterThan(h.exact ? 50 : 0)
          if (h.exact) expect(restores).toBeGreaterThan(INSTANCES.length)
          expect(observed.sent.filter((s) => s.status !== 200 && s.status !== 429 && s.status !== 404)).toStrictEqual([])
          // Every POST was either refused before any work (429, resent) or accepted: exactly one
          // accepted per instance.
          const posts = observed.sent.filter((s) => s.method === "POST")
          expect(posts.length).toBe(restores)
          expect(posts.filter((s) => s.status === 200).length).toBe(INSTANCES.length)
          expect(posts.filter((s) => s.status !== 200 && s.status !== 429)).toStrictEqual([])
        }).pipe(Effect.provide(observed.layer))
      }))
  })
