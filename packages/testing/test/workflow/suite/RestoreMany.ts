// restoreMany over a fleet, 8 at a time, under one request rate for the whole batch: a result per
// instance in the order given (no failure hides another), and no second, from any send, holds more
// requests than the limit.
import { RestoreClient, type RetryPolicy } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Fault, Seed } from "@dds-restore/testing"
import { describe, expect } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { busiestWindow, DAY, type Harness, HOUR, MINUTE, type Observed, SECOND, seedOf } from "./Harness.js"

/** Of the fleet, these are frozen: their preflight fails. */
const FROZEN = new Set(["rs07", "rs23", "rs41"])

export const restoreManyScenarios = (h: Harness) =>
  describe("restoreMany", () => {
    const ids = Array.from({ length: h.fleet.size }, (_, i) => `rs${String(i).padStart(2, "0")}`)
    const frozen = ids.filter((id) => FROZEN.has(id))

    /** Runs `body` with a recorded client over the fleet, and a plan that restores `orders` an hour ago. */
    const run = <A, E>(
      body: (plan: RestorePlan.RestorePlan, observed: Observed) => Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>,
      retryPolicy?: RetryPolicy.Options
    ) =>
      Effect.gen(function*() {
        const now = yield* h.now
        const seed = seedOf({
          instances: ids.map((id) =>
            Seed.replicaSet({
              id,
              name: `${id}-name`,
              status: FROZEN.has(id) ? "frozen" : "normal",
              windows: [{ start: now - DAY, end: now - MINUTE }],
              databases: { shop: ["orders"] }
            })
          )
        })
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - HOUR })])
        ])
        const observed = yield* h.client(seed, retryPolicy === undefined ? {} : { retryPolicy: { ...h.timing.retryPolicy, ...retryPolicy } })
        return yield* Effect.provide(body(plan, observed), observed.layer)
      })

    const rate = h.fleet.requestsPerSecond
    const transportLateness = 100

    h.it("in a paced batch a read throttled again and again is retried after the throttling delay each time, not a doubled one: the pace keeps the batch under the gateway's threshold, a longer wait would only make that restore later", () =>
      run((plan, observed) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          yield* fake.injectFault({ operation: "backupPolicy", times: 3, fault: Fault.throttle })
          const [item] = yield* h.settled(client.restoreMany([{ instanceId: "rs00", plan }], { concurrency: 1, requestsPerSecond: rate }))
          expect(item?.result._tag).toBe("Success")
          const throttled = observed.sent.filter((s) => s.status === 429).map((s) => s.at)
          expect(throttled).toHaveLength(3)
          if (h.exact) {
            // 2 s with ±20% jitter, and up to a slot of the pace; doubled, the second would be 3.2 s at least.
            const gaps = throttled.slice(1).map((t, k) => Math.round(t - (throttled[k] ?? 0)))
            for (const gap of gaps) {
              expect(gap).toBeGreaterThanOrEqual(1600)
              expect(gap).toBeLessThanOrEqual(2400 + SECOND / rate)
            }
          }
        }), { maxAttempts: 4 }))

    h.it(`${h.fleet.size} instances, 8 at a time, ${rate} requests per second: a result per instance, and the rate is kept`, () =>
      run((plan, observed) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const fake = yield* FakeDds.FakeDds
          const items = [...ids.map((instanceId) => ({ instanceId, plan })), { instanceId: "rs-missing", plan }]

          const results = yield* h.settled(client.restoreMany(items, { concurrency: 8, requestsPerSecond: rate }))

          expect(results.map((r) => r.instanceId)).toStrictEqual(items.map((item) => item.instanceId))
          const failures = results.flatMap((r) =>
            Exit.isFailure(r.result) ? [[r.instanceId, Exit.match(r.result, { onFailure: (cause) => String(cause), onSuccess: () => "" })]] : []
          )
          expect(failures.map(([id]) => id)).toStrictEqual([...frozen, "rs-missing"])
          for (const [, cause] of failures) expect(cause).toContain("PreflightFailed")
          const submitted = results.flatMap((r) => (Exit.isSuccess(r.result) ? [r.result.value] : []))
          const restored = ids.length - frozen.length
          expect(submitted.map((s) => s.reconciled)).toStrictEqual(Array.from({ length: restored }, () => false))
          expect(new Set(submitted.map((s) => s.jobId)).size).toBe(restored)
          // One job per submission, on the instance it was submitted for.
          expect((yield* fake.jobs).map((job) => [job.id, job.instanceId]).sort()).toStrictEqual(
            results.flatMap((r) => (Exit.isSuccess(r.result) ? [[r.result.value.jobId, r.instanceId]] : [])).sort()
          )

          // Every request the fake counted went through the recording transport, every one was
          // answered 200, and no second, from any send, holds more than the rate.
          const counted = Object.values(yield* fake.requests).reduce((sum, n) => sum + (n ?? 0), 0)
          expect(observed.sent.length).toBe(counted)
          expect(observed.sent.filter((s) => s.status !== 200)).toStrictEqual([])
          expect(observed.sent.filter((s) => s.method === "POST").length).toBe(restored)
          const times = observed.sent.map((s) => s.at)
          // The pacer keeps its promise at the instant it lets a request go. On the TestClock that is
          // the instant recorded here. In real time the recording transport runs after signing, on a
          // machine that may be busy: a request can reach it tens of milliseconds after the pacer let
          // it go while the next one is on time, so a window of a full second could count one more
          // than the rate without the pacer having broken it. The window checked is shortened by that
          // allowance (100 ms: at 50 per second, evenly spaced requests fill it with 45, and a pacer
          // letting 2 requests go per slot would put 90 in it).
          expect(busiestWindow(times, h.exact ? SECOND : SECOND - transportLateness)).toBeLessThanOrEqual(rate)
          if (!h.exact) return
          // The limit was what paced the batch: with every request spaced by 1/rate of a second, the
          // batch took as long as its requests need at that rate.
          const span = Math.max(...times) - Math.min(...times)
          expect(span).toBeGreaterThanOrEqual((times.length - 1) * (SECOND / rate))
          // Per restored instance: instance, policy, today's windows, the collections at the plan's
          // time and at the latest time, the task list (the before set), the POST (7); per frozen
          // one the first five reads but no POST (5); the missing one: its instance read. On the
          // TestClock, today is the plan's day.
          expect(times.length).toBe(restored * 7 + frozen.length * 5 + 1)
        })
      ))

    h.it("onResult hears of each restore as it ends, once per instance, before the batch returns", () =>
      run((plan) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const heard: Array<string> = []
          const items = ["rs00", "rs07", "rs01"].map((instanceId) => ({ instanceId, plan }))
          const results = yield* h.settled(client.restoreMany(items, {
            concurrency: 1,
            onResult: (done) => Effect.sync(() => heard.push(`${done.instanceId} ${done.result._tag}`))
          }))
          expect(heard).toStrictEqual(["rs00 Success", "rs07 Failure", "rs01 Success"])
          expect(results.map((r) => `${r.instanceId} ${r.result._tag}`)).toStrictEqual(heard)
        })
      ))

    h.it("a concurrency, a rate or a lease wait that cannot be used is refused before anything is sent", () =>
      run((plan, observed) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const items = [{ instanceId: "rs00", plan }]
          const none = yield* Effect.flip(client.restoreMany(items, { concurrency: 0 }))
          expect(none).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "concurrency" })
          const stopped = yield* Effect.flip(client.restoreMany(items, { concurrency: 2, requestsPerSecond: 0 }))
          expect(stopped).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "requestsPerSecond" })
          // Slower than one request every 100 seconds: a wait between two requests longer than any
          // other wait of the client, and from about one in 25 days one Effect's timers never end.
          for (const slow of [0.009, 1e-7]) {
            const crawling = yield* Effect.flip(client.restoreMany(items, { concurrency: 2, requestsPerSecond: slow }))
            expect(crawling).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "requestsPerSecond" })
            expect(crawling.message).toContain(
              `${slow} is not a request rate: give a number of requests per second of at least 0.01 (one every 100 seconds), or leave it out for no limit.`
            )
          }
          const forever = yield* Effect.flip(client.restoreMany(items, { concurrency: 2, leaseWait: Duration.infinity }))
          expect(forever).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "leaseWait" })
          expect(forever.message).toContain("is not a wait for a lease: give a finite duration")
          expect(observed.sent).toStrictEqual([])
        })
      ))
  })
