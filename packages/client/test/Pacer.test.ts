// The pace of a batch's requests (internal/pacer.ts), on the TestClock with exact instants: no
// window of one second holds more than the rate, a demand above the rate is served at the rate, a
// timer that fires late delays one request without losing the slots after it, and a waiter
// interrupted before its turn neither keeps the turn nor burns a slot.
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Pacer from "../src/internal/pacer.js"

/** A clock whose timers fire late: the n-th sleep lasts `late(n)` milliseconds more than asked. */
const lateBy = (clock: Clock.Clock, late: (n: number) => number): Clock.Clock => {
  let sleeps = 0
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis(),
    currentTimeMillis: clock.currentTimeMillis,
    unsafeCurrentTimeNanos: () => clock.unsafeCurrentTimeNanos(),
    currentTimeNanos: clock.currentTimeNanos,
    sleep: (duration) => clock.sleep(Duration.sum(duration, Duration.millis(late(sleeps++))))
  }
}

/**
 * The instants at which `count` requests, all asking at once now, were let go (sorted), with the
 * timers late as `late` says; the test clock is moved far enough for all of them.
 */
const instants = (rate: number, count: number, late: (n: number) => number = () => 0) =>
  Effect.gen(function*() {
    const clock = lateBy(yield* Effect.clock, late)
    const pacer = yield* Pacer.make(rate)
    const at: Array<number> = []
    const fibers = yield* Effect.forEach(
      Array.from({ length: count }),
      () => Effect.fork(Effect.withClock(Effect.zipRight(pacer.take(0), Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => at.push(now)))), clock)),
      { concurrency: "unbounded" }
    )
    yield* TestClock.adjust(Duration.hours(10))
    yield* Fiber.joinAll(fibers)
    return at.sort((a, b) => a - b)
  })

/** The most requests any window of `window` milliseconds, closed at its start and open at its end, holds. */
const busiest = (times: ReadonlyArray<number>, window: number): number => {
  let most = 0
  let first = 0
  times.forEach((t, i) => {
    while (t - (times[first] ?? t) >= window) first++
    most = Math.max(most, i - first + 1)
  })
  return most
}

/**
 * A pacer of `rate`, the log of its callers ("name instant", in the order they were let go), and
 * callers forked to take a slot or to wait until ready, each noting itself once done.
 */
const logged = (rate: number) =>
  Effect.map(Pacer.make(rate), (pacer) => {
    const at: Array<string> = []
    const note = (name: string) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => at.push(`${name} ${now}`)))
    return {
      at,
      request: (name: string, priority: number) => Effect.fork(Effect.zipRight(pacer.take(priority), note(name))),
      readied: (name: string, priority: number) => Effect.fork(Effect.zipRight(pacer.ready(priority), note(name)))
    }
  })

/** At 10 a second, after a request at 0: "ready 5" waiting for the slot at 100 gives way to "p1", which asks at 50. */
const givingWay = Effect.gen(function*() {
  const { at, readied: ready, request } = yield* logged(10)
  yield* Fiber.join(yield* request("first", 0))
  const readied = yield* ready("ready 5", 5)
  yield* TestClock.adjust(Duration.millis(50))
  return { at, request, readied, p1: yield* request("p1", 1) }
})

describe("the pacer of a batch", () => {
  it.effect("a demand above the rate is served at the rate, evenly: 25 requests at 10 a second go 100 ms apart", () =>
    Effect.gen(function*() {
      expect(yield* instants(10, 25)).toStrictEqual(Array.from({ length: 25 }, (_, k) => k * 100))
    }))

  it.effect("a timer that fires 250 ms late delays its request and the next catch up at twice the rate; no slot is lost and no second holds more than 10", () =>
    Effect.gen(function*() {
      const at = yield* instants(10, 30, (n) => (n === 0 ? 250 : 0))
      // The first sleep (the second request's, due at 100) ends at 350; the requests due at 200 to
      // 500 follow 50 ms apart until the schedule is met at 600; a second after each request, the
      // one ten requests later may go.
      expect(at).toStrictEqual([
        0, 350, 400, 450, 500, 550, 600, 700, 800, 900,
        1000, 1350, 1400, 1450, 1500, 1550, 1600, 1700, 1800, 1900,
        2000, 2350, 2400, 2450, 2500, 2550, 2600, 2700, 2800, 2900
      ])
      expect(busiest(at, 1000)).toBe(10)
      // A pacer that moved its schedule to the late instant would have let the 30th go at 3150.
      expect(at[29]).toBe(2900)
    }))

  it.effect.prop(
    "whatever the rate, the timers' lateness and when requests ask, no window of burst/rate seconds holds more than burst requests, none goes before it asked, and two are half a slot apart at least",
    [
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(0.5, 2.5, 7.3)),
      fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 80 }),
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 20 })
    ],
    ([rate, asks, lateness]) =>
      Effect.gen(function*() {
        const clock = lateBy(yield* Effect.clock, (n) => lateness[n % lateness.length] ?? 0)
        const pacer = yield* Pacer.make(rate)
        const sent: Array<{ readonly asked: number; readonly at: number }> = []
        const fibers = yield* Effect.forEach(asks, (asked) =>
          Effect.fork(Effect.gen(function*() {
            // The asking sleeps are on time; only the pacer's own timers are late.
            yield* Effect.sleep(Duration.millis(asked))
            yield* Effect.withClock(pacer.take(0), clock)
            sent.push({ asked, at: yield* Clock.currentTimeMillis })
          })))
        yield* TestClock.adjust(Duration.hours(10))
        yield* Fiber.joinAll(fibers)
        const burst = Math.ceil(rate)
        const times = sent.map((s) => s.at).sort((a, b) => a - b)
        expect(times.length).toBe(asks.length)
        expect(busiest(times, (burst * 1000) / rate)).toBeLessThanOrEqual(burst)
        if (Number.isInteger(rate)) expect(busiest(times, 1000)).toBeLessThanOrEqual(rate)
        for (const s of sent) expect(s.at).toBeGreaterThanOrEqual(s.asked)
        times.forEach((t, i) => {
          if (i > 0) expect(t - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(Math.floor(500 / rate))
        })
      }),
    { fastCheck: { numRuns: 30 } }
  )

  it.effect.prop(
    "a demand above a whole-number rate, timers late by less than half a slot: the k-th request goes by its slot plus the lateness once per second, so no slot is lost to a late timer",
    [fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 })],
    ([rate, lateness]) =>
      Effect.gen(function*() {
        const slot = 1000 / rate
        // Late by less than half a slot (1 ms less, for the whole milliseconds the pacer waits for).
        const most = Math.floor(slot / 2) - 1
        const late = lateness.map((l) => l % (most + 1))
        const count = rate * 3
        const at = yield* instants(rate, count, (n) => late[n % late.length] ?? 0)
        expect(at.length).toBe(count)
        at.forEach((t, k) => expect(t).toBeLessThanOrEqual(Math.ceil(k * slot) + most * (Math.floor(k / rate) + 1)))
        expect(busiest(at, 1000)).toBeLessThanOrEqual(rate)
      }),
    { fastCheck: { numRuns: 30 } }
  )

  it.effect("slots are computed, not added up: at 24 a second with every timer 19 ms late, the k-th request goes by its slot plus the lateness once per second (the 12th by 519 ms, not 520)", () =>
    Effect.gen(function*() {
      const at = yield* instants(24, 72, () => 19)
      expect(at[12]).toBe(519)
      at.forEach((t, k) => expect(t).toBeLessThanOrEqual(Math.ceil((k * 1000) / 24) + 19 * (Math.floor(k / 24) + 1)))
      expect(busiest(at, 1000)).toBe(24)
    }))

  it.effect("a waiter interrupted while it holds the turn, or while it queues, keeps no turn and burns no slot", () =>
    Effect.gen(function*() {
      const pacer = yield* Pacer.make(10)
      const at: Array<string> = []
      const request = (name: string) =>
        Effect.fork(Effect.zipRight(pacer.take(0), Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => at.push(`${name} ${now}`)))))
      const a = yield* request("a")
      yield* Fiber.join(a)
      // b holds the turn, sleeping until 100; c queues behind it.
      const b = yield* request("b")
      const c = yield* request("c")
      yield* TestClock.adjust(Duration.millis(50))
      yield* Fiber.interrupt(b)
      yield* Fiber.interrupt(c)
      // d asks after both were interrupted: it gets the slot b had, at 100, not one after it.
      const d = yield* request("d")
      const e = yield* request("e")
      yield* TestClock.adjust(Duration.millis(500))
      yield* Fiber.joinAll([d, e])
      expect(at).toStrictEqual(["a 0", "d 100", "e 200"])
      // Long idle: the next request goes at once (the turn is free), with no burst to make up for the pause.
      yield* TestClock.adjust(Duration.seconds(10))
      const later = yield* Effect.forEach(["f", "g", "h"], request)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll(later)
      expect(at.slice(3)).toStrictEqual(["f 10550", "g 10650", "h 10750"])
    }))

  it.effect("the turn goes to the lowest priority number waiting, then to the first that asked: a batch's earlier restores finish first", () =>
    Effect.gen(function*() {
      const pacer = yield* Pacer.make(10)
      const at: Array<string> = []
      const request = (name: string, priority: number) =>
        Effect.fork(Effect.zipRight(pacer.take(priority), Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => at.push(`${name} ${now}`)))))
      // "first" goes at once and "p5" takes the free turn, for the slot at 100; the others queue
      // while it waits, and go by priority.
      const fibers = yield* Effect.forEach([["first", 9], ["p5", 5], ["p1 a", 1], ["p3", 3], ["p1 b", 1], ["p0", 0]] as const, ([name, priority]) => request(name, priority))
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll(fibers)
      expect(at).toStrictEqual(["first 0", "p5 100", "p0 200", "p1 a 300", "p1 b 400", "p3 500"])
    }))

  it.effect("ready waits for a turn as take does, behind the lower priority numbers, and lets nothing go: the slot it waited for is the next request's", () =>
    Effect.gen(function*() {
      const { at, readied, request } = yield* logged(10)
      // "first" goes at once; "p1" takes the free turn for the slot at 100; "ready p4" queues behind
      // "p2", which asked later with a lower number.
      const fibers = yield* Effect.forEach([request("first", 0), request("p1", 1), readied("ready p4", 4), request("p2", 2)], (fiber) => fiber)
      yield* TestClock.adjust(Duration.millis(300))
      yield* Fiber.joinAll(fibers)
      expect(at).toStrictEqual(["first 0", "p1 100", "p2 200", "ready p4 300"])
      // Nothing went at 300: a request asking then has that slot, and the one after it the next.
      const after = yield* Effect.forEach([request("p4", 4), request("p5", 5)], (fiber) => fiber)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll(after)
      expect(at.slice(4)).toStrictEqual(["p4 300", "p5 400"])
      // With the pace idle, a ready returns at once; readies waiting together get a slot each, so
      // that two restores do not start on one free slot; and none of them took a slot from a request.
      yield* TestClock.adjust(Duration.seconds(10))
      const idle = yield* Effect.forEach([0, 1, 2], (k) => readied(`idle ready ${k}`, k))
      const idleRequest = yield* request("request", 0)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll([...idle, idleRequest])
      expect(at.slice(6)).toStrictEqual(["idle ready 0 11300", "request 11300", "idle ready 1 11400", "idle ready 2 11500"])
    }))

  it.effect("a ready waiting for its slot gives way to a request of a lower priority number that asks meanwhile, not to a higher one: it returns at the first slot the batch's earlier restores leave free", () =>
    Effect.gen(function*() {
      const { at, p1, readied, request } = yield* givingWay
      yield* TestClock.adjust(Duration.millis(100))
      const p2 = yield* request("p2", 2)
      // A higher number queues behind the ready and does not move it.
      const p9 = yield* request("p9", 9)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll([readied, p1, p2, p9])
      expect(at).toStrictEqual(["first 0", "p1 100", "p2 200", "ready 5 300", "p9 300"])
    }))

  it.effect("a ready that gave way keeps its place when the requests it gave way to are interrupted before their slot: it returns at the slot they would have had", () =>
    Effect.gen(function*() {
      // "p2" asks at 50 too: "p1" holds the turn for the slot at 100, "p2" queues for the one at 200.
      const { at, p1, readied, request } = yield* givingWay
      const p2 = yield* request("p2", 2)
      yield* TestClock.adjust(Duration.millis(20))
      // Both interrupted at 70, the queued one first: neither went, so the slot at 100 is the ready's again.
      yield* Fiber.interrupt(p2)
      yield* Fiber.interrupt(p1)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.join(readied)
      expect(at).toStrictEqual(["first 0", "ready 5 100"])
    }))

  it.effect("a ready whose caller sends nothing hands its slot on to the next ready, unless a later ready has returned meanwhile", () =>
    Effect.gen(function*() {
      const pacer = yield* Pacer.make(10)
      const at: Array<string> = []
      const readyAt = (name: string) =>
        Effect.flatMap(pacer.ready(0), (handOn) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => (at.push(`${name} ${now}`), handOn))))
      const handOn = yield* readyAt("a")
      yield* handOn
      // b has a's slot, at 0; c, asking with b's slot kept, the next one.
      yield* readyAt("b")
      const c = yield* Effect.fork(readyAt("c"))
      yield* TestClock.adjust(Duration.millis(100))
      const handOnC = yield* Fiber.join(c)
      const d = yield* Effect.fork(readyAt("d"))
      yield* TestClock.adjust(Duration.millis(100))
      yield* Fiber.join(d)
      // d returned after c: c's slot is no longer the last, and handing it on changes nothing.
      yield* handOnC
      const e = yield* Effect.fork(readyAt("e"))
      yield* TestClock.adjust(Duration.millis(100))
      yield* Fiber.join(e)
      expect(at).toStrictEqual(["a 0", "b 0", "c 100", "d 200", "e 300"])
      // A ready already waiting for the slot after a handed-back one looks again, and has it now.
      yield* TestClock.adjust(Duration.millis(100))
      const handOnF = yield* readyAt("f")
      const g = yield* Effect.fork(readyAt("g"))
      yield* TestClock.adjust(Duration.millis(10))
      yield* handOnF
      yield* TestClock.adjust(Duration.millis(200))
      yield* Fiber.join(g)
      expect(at.slice(5)).toStrictEqual(["f 400", "g 410"])
    }))

  it.effect("a ready interrupted while it queues, while it holds the turn, or after it gave way keeps no turn, and the requests and readies after it go as if it had never asked", () =>
    Effect.gen(function*() {
      const { at, readied, request } = yield* logged(10)
      yield* Fiber.join(yield* request("first", 0))
      // r5 holds the turn for the slot at 100, r6 queues behind it; both are interrupted.
      const r5 = yield* readied("r5", 5)
      const r6 = yield* readied("r6", 6)
      yield* TestClock.adjust(Duration.millis(10))
      yield* Fiber.interrupt(r5)
      yield* Fiber.interrupt(r6)
      // r7 gives way to p1, queues again behind it, and is interrupted there.
      const r7 = yield* readied("r7", 7)
      yield* TestClock.adjust(Duration.millis(10))
      const p1 = yield* request("p1", 1)
      yield* TestClock.adjust(Duration.millis(10))
      yield* Fiber.interrupt(r7)
      const p2 = yield* request("p2", 2)
      const late = yield* readied("late", 9)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.joinAll([p1, p2, late])
      expect(at).toStrictEqual(["first 0", "p1 100", "p2 200", "late 300"])
    }))
})
