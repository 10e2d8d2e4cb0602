// restoreMany over 50 fake instances, 8 at a time, under one request rate for the whole batch:
// a result per instance in the order given (no failure hides another), and no second of TestClock
// time, from any instant, holds more requests than the limit.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, DAY, HOUR, MINUTE, NOW, observedClientOver, SECOND, settled } from "./support.js"

const ids = Array.from({ length: 50 }, (_, i) => `rs${String(i).padStart(2, "0")}`)
/** Three of them are frozen: their preflight fails. */
const frozen = new Set(["rs07", "rs23", "rs41"])

const seed = Seed.make({
  instances: ids.map((id) =>
    Seed.replicaSet({
      id,
      name: `${id}-name`,
      status: frozen.has(id) ? "frozen" : "normal",
      windows: [{ start: NOW - DAY, end: NOW - MINUTE }],
      databases: { shop: ["orders"] }
    })
  )
})

const plan = RestorePlan.make([
  RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: NOW - HOUR })])
])

const RATE = 10

/** The most requests sent in any half-open second [t, t + 1 s), t any send time. */
const busiestSecond = (times: ReadonlyArray<number>): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Infinity) < (sorted[i] ?? 0) + SECOND) j++
    most = Math.max(most, j - i)
  }
  return most
}

describe("restoreMany", () => {
  it.effect("50 instances, 8 at a time, 10 requests per second: a result per instance, and the rate is kept", () => {
    const observed = observedClientOver(seed)
    return atNow(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const fake = yield* FakeDds.FakeDds
      const items = [...ids.map((instanceId) => ({ instanceId, plan })), { instanceId: "rs-missing", plan }]

      const results = yield* settled(client.restoreMany(items, { concurrency: 8, requestsPerSecond: RATE }))

      expect(results.map((r) => r.instanceId)).toStrictEqual(items.map((item) => item.instanceId))
      const failures = results.flatMap((r) =>
        Exit.isFailure(r.result) ? [[r.instanceId, Exit.match(r.result, { onFailure: (cause) => String(cause), onSuccess: () => "" })]] : []
      )
      expect(failures.map(([id]) => id)).toStrictEqual(["rs07", "rs23", "rs41", "rs-missing"])
      for (const [, cause] of failures) expect(cause).toContain("PreflightFailed")
      const submitted = results.flatMap((r) => (Exit.isSuccess(r.result) ? [r.result.value.jobId] : []))
      expect(submitted).toHaveLength(47)
      expect(new Set(submitted).size).toBe(47)
      expect((yield* fake.jobs).map((job) => job.id).sort()).toStrictEqual([...submitted].sort())

      const times = observed.sent.map((s) => s.at)
      expect(busiestSecond(times)).toBeLessThanOrEqual(RATE)
      // The limit was what paced the batch: with every request spaced by a tenth of a second, the
      // batch took as long as its requests need at that rate.
      const span = Math.max(...times) - Math.min(...times)
      expect(span).toBeGreaterThanOrEqual((times.length - 1) * (SECOND / RATE))
      // Per restored instance: instance, policy, today's windows, the collections at the plan's
      // time and at the latest time, the POST (47 x 6); per frozen one the same reads but no POST
      // (3 x 5); the missing one: its instance read.
      expect(times.length).toBe(47 * 6 + 3 * 5 + 1)
    })).pipe(Effect.provide(observed.layer))
  })

  it.effect("a concurrency or a rate that cannot be used is refused before anything is sent", () => {
    const observed = observedClientOver(seed)
    return atNow(Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const items = [{ instanceId: "rs00", plan }]
      const none = yield* Effect.flip(client.restoreMany(items, { concurrency: 0 }))
      expect(none).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "concurrency" })
      const stopped = yield* Effect.flip(client.restoreMany(items, { concurrency: 2, requestsPerSecond: 0 }))
      expect(stopped).toMatchObject({ _tag: "InvalidArgument", operation: "restoreMany", argument: "requestsPerSecond" })
      expect(observed.sent).toStrictEqual([])
    })).pipe(Effect.provide(observed.layer))
  })
})
