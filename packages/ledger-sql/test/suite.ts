// What every RestoreLedger promises, as one suite run unchanged against each layer (memory,
// SQLite, and any other): a function that takes a fresh ledger per test, as @effect/platform tests
// its key-value stores. Time is the TestClock's, so leases run out when the test says.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

const NOW = Date.UTC(2026, 10, 20, 12)
const service = { endpoint: "https://dds.cn-north-4.myhuaweicloud.com", projectId: "p1" }
const key: RestoreLedger.InstanceKey = { ...service, instanceId: "rs0" }
const ttl = "10 seconds"

const intent = (id: string, before: ReadonlyArray<string> = [], at = NOW): RestoreLedger.Intent => ({
  id,
  key,
  holder: `holder of ${id}`,
  at,
  body: `{"restore_collections":[{"database":"shop","restore_database_time":"${id.length}"}]}`,
  hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  searchFrom: at - 15 * 60_000,
  before
})

/**
 * Joins a fiber waiting on the TestClock, moving the clock 100 ms at a time and letting real time
 * pass between steps, so that a database's answers arrive before the clock moves on (at most a
 * minute of the TestClock).
 */
const joinAdvancing = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    for (let step = 0; step < 600 && Option.isNone(yield* Fiber.poll(fiber)); step++) {
      yield* TestClock.adjust("100 millis")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
    }
    expect(Option.isSome(yield* Fiber.poll(fiber))).toBe(true)
    return yield* Fiber.join(fiber)
  })

/** The ledger suite over a layer that gives a new, empty ledger every time it is built. */
export const ledgerSuite = (name: string, layer: () => Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError>) => {
  const run = <A, E>(body: (ledger: RestoreLedger.Service) => Effect.Effect<A, E>) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const ledger = yield* RestoreLedger.RestoreLedger
      return yield* body(ledger)
    }).pipe(Effect.provide(layer()))

  describe(`RestoreLedger (${name})`, () => {
    it.effect("one holder at a time: a second caller is told who holds the lease, and gets it once released, with a new token", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const first = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          expect([first.token, first.holder, first.expiresAt]).toStrictEqual([1, "a", NOW + 10_000])
          const busy = yield* Effect.flip(ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" }))
          expect(busy).toStrictEqual(new RestoreLedger.InstanceBusy({ instanceId: "rs0", holder: "a", expiresAt: NOW + 10_000, waited: 0 }))
          yield* ledger.release(first)
          const second = yield* ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" })
          expect([second.token, second.holder]).toStrictEqual([2, "b"])
        })
      ))

    it.effect("a caller waiting for the lease gets it as soon as its holder releases it", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const first = yield* ledger.acquire(key, { holder: "a", ttl: "1 hour", wait: "0 seconds" })
          const waiter = yield* Effect.fork(ledger.acquire(key, { holder: "b", ttl, wait: "1 minute" }))
          yield* TestClock.adjust("1 second")
          yield* ledger.release(first)
          yield* TestClock.adjust("1 second")
          const second = yield* Fiber.join(waiter)
          expect([second.token, second.holder]).toStrictEqual([2, "b"])
        })
      ))

    it.effect("a lease whose holder stopped renewing is taken over after its time to live, and the old holder's writes are refused", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const dead = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          yield* ledger.record(dead, intent("s1"))
          yield* TestClock.adjust("9 seconds")
          expect((yield* Effect.flip(ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" })))._tag).toBe("InstanceBusy")
          yield* TestClock.adjust("1 second")
          const next = yield* ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" })
          expect(next.token).toBe(2)
          const lost = new RestoreLedger.LeaseLost({ instanceId: "rs0", token: 1, current: 2 })
          expect(yield* Effect.flip(ledger.settle(dead, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))))
            .toStrictEqual(lost)
          expect(yield* Effect.flip(ledger.markSent(dead, "s1", "timeout"))).toStrictEqual(lost)
          expect(yield* Effect.flip(ledger.record(dead, intent("s2")))).toStrictEqual(lost)
          expect(yield* Effect.flip(ledger.renew(dead, ttl))).toStrictEqual(lost)
          // Nothing the old holder tried was written: s1 is still an intent, j1 is nobody's, s2 does not exist.
          expect((yield* ledger.unsettled(key)).map((entry) => [entry.id, entry.state])).toStrictEqual([["s1", "Intent"]])
          expect(yield* ledger.claims(service, ["j1"])).toStrictEqual(new Map())
          // The new holder settles it.
          yield* ledger.settle(next, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true }))
          expect(yield* ledger.claims(service, ["j1", "j2"])).toStrictEqual(new Map([["j1", "s1"]]))
        })
      ))

    it.effect("a renewed lease outlives its first time to live", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          yield* TestClock.adjust("8 seconds")
          const renewed = yield* ledger.renew(lease, ttl)
          expect(renewed).toStrictEqual({ ...lease, expiresAt: NOW + 18_000 })
          yield* TestClock.adjust("8 seconds")
          const busy = yield* Effect.flip(ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" }))
          expect(busy).toMatchObject({ _tag: "InstanceBusy", holder: "a", expiresAt: NOW + 18_000 })
          yield* ledger.record(renewed, intent("s1"))
        })
      ))

    it.effect("the journal keeps a submission from its intent to its outcome, with its plan and before set", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          yield* ledger.record(lease, intent("s1", ["old-1", "old-2"]))
          const [recorded] = yield* ledger.unsettled()
          expect(recorded).toStrictEqual({
            ...intent("s1", ["old-1", "old-2"]),
            state: "Intent",
            lostAnswer: undefined,
            settledAt: undefined,
            outcome: undefined
          })
          yield* ledger.markSent(lease, "s1", "POST ... failed (Timeout)")
          expect((yield* ledger.unsettled(key)).map((entry) => [entry.state, entry.lostAnswer])).toStrictEqual([
            ["Sent", "POST ... failed (Timeout)"]
          ])
          yield* TestClock.adjust("2 seconds")
          yield* ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true }))
          expect(yield* ledger.unsettled()).toStrictEqual([])
          const [settled] = yield* ledger.recent(10)
          expect(settled).toMatchObject({
            id: "s1",
            state: "Submitted",
            lostAnswer: "POST ... failed (Timeout)",
            settledAt: NOW + 2000,
            before: ["old-1", "old-2"]
          })
          expect(settled?.outcome).toStrictEqual(RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true }))
        })
      ))

    it.effect("every outcome reads back as it was written, newest submission first", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(key, { holder: "a", ttl: "1 hour", wait: "0 seconds" })
          const outcomes = [
            RestoreLedger.Outcome.Refused({ error: "DBS.200022: the instance is busy" }),
            RestoreLedger.Outcome.Unknown({ candidates: ["j7", "j8"], reason: "two new restore tasks" }),
            RestoreLedger.Outcome.NotStarted(),
            RestoreLedger.Outcome.Submitted({ jobId: "j9", reconciled: false })
          ]
          for (const [i, outcome] of outcomes.entries()) {
            yield* ledger.record(lease, intent(`s${i}`, [], NOW + i))
            yield* ledger.settle(lease, `s${i}`, outcome)
          }
          const recent = yield* ledger.recent(3)
          expect(recent.map((entry) => [entry.id, entry.state, entry.outcome])).toStrictEqual([
            ["s3", "Submitted", outcomes[3]],
            ["s2", "NotStarted", outcomes[2]],
            ["s1", "Unknown", outcomes[1]]
          ])
          expect((yield* ledger.recent(10)).length).toBe(4)
        })
      ))

    it.effect("a job id is claimed once in the whole ledger: another submission settling with it is refused and stays unsettled", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          yield* ledger.record(lease, intent("s1"))
          yield* ledger.record(lease, intent("s2"))
          yield* ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))
          const refused = yield* Effect.flip(ledger.settle(lease, "s2", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true })))
          expect(refused).toStrictEqual(new RestoreLedger.JobClaimed({ jobId: "j1", submission: "s1" }))
          expect((yield* ledger.unsettled(key)).map((entry) => entry.id)).toStrictEqual(["s2"])
        })
      ))

    it.effect("keys name the service: the same instance and job ids behind another endpoint are another lease and other claims", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const other: RestoreLedger.InstanceKey = { ...key, endpoint: "http://127.0.0.1:40001" }
          const here = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          const there = yield* ledger.acquire(other, { holder: "b", ttl, wait: "0 seconds" })
          expect([here.token, there.token]).toStrictEqual([1, 1])
          yield* ledger.record(here, intent("s1"))
          yield* ledger.record(there, { ...intent("s2"), key: other })
          yield* ledger.settle(here, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))
          yield* ledger.settle(there, "s2", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))
          expect(yield* ledger.claims(service, ["j1"])).toStrictEqual(new Map([["j1", "s1"]]))
          expect(yield* ledger.claims({ endpoint: other.endpoint, projectId: "p1" }, ["j1"])).toStrictEqual(new Map([["j1", "s2"]]))
          expect(yield* ledger.unsettled(other)).toStrictEqual([])
        })
      ))

    it.effect("the unsettled of an instance, of a service or of all: only theirs, settled ones left out, oldest first (at, then id)", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const sibling: RestoreLedger.InstanceKey = { ...key, instanceId: "rs1" }
          const elsewhere: RestoreLedger.InstanceKey = { ...key, endpoint: "http://127.0.0.1:40001" }
          const otherProject: RestoreLedger.InstanceKey = { ...key, projectId: "p2" }
          const leases = yield* Effect.forEach(
            [key, sibling, elsewhere, otherProject],
            (where, i) => ledger.acquire(where, { holder: `h${i}`, ttl: "1 hour", wait: "0 seconds" })
          )
          const held = (where: RestoreLedger.InstanceKey) =>
            Effect.fromNullable(leases.find((lease) => RestoreLedger.keyString(lease.key) === RestoreLedger.keyString(where))).pipe(Effect.orDie)
          // Journaled out of their order; "tie-b" and "tie-a" at one instant.
          const journaled: ReadonlyArray<readonly [string, RestoreLedger.InstanceKey, number]> = [
            ["late", key, NOW + 50],
            ["other-endpoint", elsewhere, NOW + 5],
            ["tie-b", key, NOW + 20],
            ["sibling", sibling, NOW + 30],
            ["other-project", otherProject, NOW + 1],
            ["early", key, NOW + 10],
            ["tie-a", key, NOW + 20],
            ["settled", key, NOW + 15]
          ]
          for (const [id, where, at] of journaled) yield* ledger.record(yield* held(where), { ...intent(id, [], at), key: where })
          yield* ledger.settle(yield* held(key), "settled", RestoreLedger.Outcome.NotStarted())
          yield* ledger.markSent(yield* held(key), "late", "POST ... failed (Timeout)")
          const ids = (entries: ReadonlyArray<RestoreLedger.Entry>) => entries.map((entry) => entry.id)
          expect(ids(yield* ledger.unsettled(key))).toStrictEqual(["early", "tie-a", "tie-b", "late"])
          expect(ids(yield* ledger.unsettled(service))).toStrictEqual(["early", "tie-a", "tie-b", "sibling", "late"])
          expect(ids(yield* ledger.unsettled({ endpoint: elsewhere.endpoint, projectId: "p1" }))).toStrictEqual(["other-endpoint"])
          expect(ids(yield* ledger.unsettled(otherProject))).toStrictEqual(["other-project"])
          expect(ids(yield* ledger.unsettled({ ...service, instanceId: "rs9" }))).toStrictEqual([])
          expect(ids(yield* ledger.unsettled())).toStrictEqual(["other-project", "other-endpoint", "early", "tie-a", "tie-b", "sibling", "late"])
          expect((yield* ledger.unsettled(key)).map((entry) => [entry.id, entry.key, entry.state])).toStrictEqual([
            ["early", key, "Intent"],
            ["tie-a", key, "Intent"],
            ["tie-b", key, "Intent"],
            ["late", key, "Sent"]
          ])
        })
      ))

    it.effect("the unsettled are read a page at a time: at most the limit, the next after the last, each once; a page is at most unsettledLimit", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(key, { holder: "a", ttl: "1 hour", wait: "0 seconds" })
          const total = RestoreLedger.unsettledLimit + 3
          // Journaled newest first, two at each instant.
          const all = Array.from({ length: total }, (_, i) => ({ id: `s${String(i).padStart(3, "0")}`, at: NOW + Math.floor(i / 2) }))
          for (const { at, id } of [...all].reverse()) yield* ledger.record(lease, intent(id, [], at))
          const ids = all.map((entry) => entry.id)
          const pages: Array<ReadonlyArray<string>> = []
          let after: RestoreLedger.Position | undefined
          for (let read = 0; read < total; read++) {
            const page = yield* ledger.unsettled(service, { after, limit: 40 })
            pages.push(page.map((entry) => entry.id))
            const last = page[page.length - 1]
            if (last === undefined || page.length < 40) break
            after = { at: last.at, id: last.id }
          }
          expect(pages).toStrictEqual([ids.slice(0, 40), ids.slice(40, 80), ids.slice(80)])
          // No limit, or one above the bound: a page of unsettledLimit, the rest after it.
          const first = yield* ledger.unsettled(key)
          expect(first.map((entry) => entry.id)).toStrictEqual(ids.slice(0, RestoreLedger.unsettledLimit))
          expect((yield* ledger.unsettled(key, { limit: 10 * RestoreLedger.unsettledLimit })).length).toBe(RestoreLedger.unsettledLimit)
          const lastOfFirst = first[first.length - 1]
          expect([lastOfFirst?.id, lastOfFirst?.at]).toStrictEqual([ids[RestoreLedger.unsettledLimit - 1], all[RestoreLedger.unsettledLimit - 1]?.at])
          expect((yield* ledger.unsettled(key, { after: lastOfFirst })).map((entry) => entry.id)).toStrictEqual(ids.slice(RestoreLedger.unsettledLimit))
          // A limit below 1, or not a whole number: at least one, whole.
          expect((yield* ledger.unsettled(key, { limit: 0 })).map((entry) => entry.id)).toStrictEqual(["s000"])
          expect((yield* ledger.unsettled(key, { limit: 2.7 })).map((entry) => entry.id)).toStrictEqual(["s000", "s001"])
          // One settled between two reads: the next page goes on after the last one read all the same.
          const [, second] = yield* ledger.unsettled(key, { limit: 2 })
          yield* ledger.settle(lease, "s001", RestoreLedger.Outcome.NotStarted())
          yield* ledger.settle(lease, "s002", RestoreLedger.Outcome.NotStarted())
          expect(second?.id).toBe("s001")
          expect((yield* ledger.unsettled(key, { after: second, limit: 2 })).map((entry) => entry.id)).toStrictEqual(["s003", "s004"])
        })
      ), 60_000)

    it.effect("the leases are listed latest expiry first, released ones with their last holder and token, and counted with the submissions", () =>
      run((ledger) =>
        Effect.gen(function*() {
          expect([yield* ledger.leases(10), yield* ledger.size]).toStrictEqual([[], { leases: 0, submissions: 0 }])
          const other: RestoreLedger.InstanceKey = { ...key, instanceId: "rs1" }
          const first = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          yield* ledger.record(first, intent("s1"))
          yield* ledger.release(first)
          const second = yield* ledger.acquire(key, { holder: "b", ttl, wait: "0 seconds" })
          yield* TestClock.adjust("1 second")
          const there = yield* ledger.acquire(other, { holder: "c", ttl: "1 minute", wait: "0 seconds" })
          yield* ledger.record(there, { ...intent("s2"), key: other })
          expect(yield* ledger.leases(10)).toStrictEqual([there, second])
          expect(there).toStrictEqual({ key: other, holder: "c", token: 1, expiresAt: NOW + 61_000 })
          expect(yield* ledger.leases(1)).toStrictEqual([there])
          yield* ledger.release(there)
          expect(yield* ledger.leases(10)).toStrictEqual([second, { ...there, expiresAt: 0 }])
          expect(yield* ledger.size).toStrictEqual({ leases: 2, submissions: 2 })
        })
      ))

    it.effect("a holder interrupted while waiting leaves no trace: the lease is taken by the next caller", () =>
      run((ledger) =>
        Effect.gen(function*() {
          const first = yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          const waiter = yield* Effect.fork(ledger.acquire(key, { holder: "b", ttl, wait: "1 minute" }))
          yield* TestClock.adjust("1 second")
          yield* Fiber.interrupt(waiter)
          yield* ledger.release(first)
          const next = yield* Effect.exit(ledger.acquire(key, { holder: "c", ttl, wait: "0 seconds" }))
          expect(Exit.map(next, (lease) => [lease.holder, lease.token])).toStrictEqual(Exit.succeed(["c", 2]))
        })
      ))

    it.effect("a caller that waits uninterruptibly, as Effect.acquireRelease acquires, still sees its wait end and the lease run out", () =>
      run((ledger) =>
        Effect.gen(function*() {
          // The holder never gives the lease back (its process died): only time frees it.
          yield* ledger.acquire(key, { holder: "a", ttl, wait: "0 seconds" })
          const patient = yield* Effect.fork(Effect.uninterruptible(ledger.acquire(key, { holder: "b", ttl, wait: "1 minute" })))
          const hasty = yield* Effect.fork(Effect.uninterruptible(Effect.flip(ledger.acquire(key, { holder: "c", ttl, wait: "5 seconds" }))))
          expect(yield* joinAdvancing(hasty)).toMatchObject({ _tag: "InstanceBusy", instanceId: "rs0", holder: "a", expiresAt: NOW + 10_000 })
          const taken = yield* joinAdvancing(patient)
          expect([taken.holder, taken.token]).toStrictEqual(["b", 2])
          expect(yield* Clock.currentTimeMillis).toBeGreaterThanOrEqual(NOW + 10_000)
        })
      ))
  })
}
