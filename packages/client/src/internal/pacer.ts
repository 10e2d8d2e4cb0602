/**
 * The pace of a batch's requests: at most `rate` a second, evenly spaced, shared by every fiber of
 * the batch.
 *
 * Two rules decide when a request may go:
 * - a schedule of slots `1/rate` seconds apart, kept from the planned slot, not from the instant a
 *   request actually went: a timer that fires late (a busy machine) delays one request, and the
 *   following ones catch up instead of every later slot moving back (a token bucket refilled by the
 *   timer loses each late slot, and under load the achieved rate falls well below the limit); the
 *   catching up goes at twice the rate at most (half a slot between two requests), so requests do
 *   not leave in clumps;
 * - a log of the instants the last `burst` requests were let go (`burst` is the rate rounded up,
 *   1000 at most): a request waits until the one `burst` requests before it is a window old, the
 *   window being `burst / rate` seconds. For a whole-number rate that is: no window of one second,
 *   measured at the instants the requests were let go, ever holds more than `rate` requests, also
 *   while the schedule catches up after a late wake-up.
 *
 * One waiter at a time holds the turn and sleeps for its instant; the others queue behind it, and
 * the turn goes next to the waiter of the lowest priority number (then to the one that asked
 * first): `restoreMany` gives each request its item's place in the batch, so that the restores
 * it started first finish first, and the batch does not end with all its restores at once in
 * their last waits. A waiter interrupted before it is let go records nothing and moves no slot, so
 * the next one takes its slot; a waiter interrupted after it was let go counts as sent, which only
 * ever makes the pace slower, never faster. A slot is never planned before its request asked:
 * after a pause in demand the schedule starts again from the asking instant, with no burst to
 * make up for it.
 *
 * `ready` waits in the same queue for a slot the requests of lower numbers leave free, and lets
 * nothing go: a batch's restore waits for it before taking its instance's lease.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/** The most request instants a pacer keeps: above 1000 a second, the window is shorter than a second. */
export const maxBurst = 1000

/** Lets requests go at the pace. */
export interface Pacer {
  /** The rate it keeps, in requests per second. */
  readonly rate: number
  /**
   * Waits for the caller's turn at the pace, before the waiters of a higher priority number;
   * returns once the request may go, now.
   */
  readonly take: (priority: number) => Effect.Effect<void>
  /**
   * Waits for a slot that no request of a lower priority number wants, and lets nothing go: it
   * queues as `take` does, but while it waits for its slot it gives way to any request of a lower
   * number that asks, so it returns only at a slot those requests leave free, and that slot stays
   * free for the next request (the caller's own first one, or another's). Two readies never return
   * for one slot, so readies waiting together, also on an idle pace, return one slot apart. A
   * restore of a batch waits for it before it takes its instance's lease: it holds the lease once
   * the pace has room for it, not while the restores before it use every slot, so another runner
   * sharing the ledger, with room to spare, restores the instance meanwhile. It gives back an
   * effect that hands its slot back to the next ready, for a caller that ends without sending
   * anything (an instance found busy).
   */
  readonly ready: (priority: number) => Effect.Effect<Effect.Effect<void>>
}

interface Waiter {
  readonly priority: number
  readonly granted: Deferred.Deferred<void>
}

/** A pacer of `rate` requests a second (above 0, finite: checked by the caller). */
export const make = (rate: number): Effect.Effect<Pacer> =>
  Effect.sync(() => {
    const interval = 1000 / rate
    const burst = Math.min(maxBurst, Math.max(1, Math.ceil(rate)))
    // burst * 1000 / rate, not burst * interval: exactly 1000 for a whole rate.
    const window = (burst * 1000) / rate
    // The instants the last `burst` requests were let go, oldest at `oldest` once full.
    const sent: Array<number> = []
    let oldest = 0
    // The planned slots run from `anchor`, `slots` of them so far: the next is at
    // anchor + slots * 1000 / rate, computed afresh each time rather than by adding the interval
    // slot after slot, whose rounding errors add up and, rounded up to the millisecond, would make a
    // slot 1 ms late (at 24 a second, the 12th at 501 ms instead of 500).
    let anchor = Number.NEGATIVE_INFINITY
    let slots = 0
    const next = (): number => anchor + (slots * 1000) / rate

    // The instant the last request was let go, and the instant the last ready returned.
    let last = Number.NEGATIVE_INFINITY
    let lastReady = Number.NEGATIVE_INFINITY

    const due = (asked: number): { readonly planned: number; readonly at: number } => {
      const planned = Math.max(next(), asked)
      const spaced = Math.max(planned, last + interval / 2)
      return { planned, at: Math.ceil(sent.length < burst ? spaced : Math.max(spaced, (sent[oldest] ?? 0) + window)) }
    }

    const record = (planned: number, at: number): void => {
      if (sent.length < burst) sent.push(at)
      else {
        sent[oldest] = at
        oldest = (oldest + 1) % burst
      }
      last = at
      if (planned > next()) {
        // Asked after the planned slot: the slots run from this one now.
        anchor = planned
        slots = 1
      } else slots++
    }

    // The turn: held by one waiter at a time, handed to the first of `waiting` when let go.
    let held = false
    const waiting: Array<Waiter> = []
    // The holder when it is a `ready` waiting for its instant: it gives way to a request of a lower
    // priority number that asks meanwhile.
    let giving: { readonly priority: number; readonly way: Deferred.Deferred<void> } | undefined
    const pass = (): void => {
      const first = waiting.shift()
      if (first === undefined) held = false
      else Deferred.unsafeDone(first.granted, Exit.void)
    }
    const turn = (priority: number, restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) =>
      Effect.flatMap(Deferred.make<void>(), (granted) => {
        if (!held) {
          held = true
          return Effect.void
        }
        const waiter: Waiter = { priority, granted }
        // Behind every waiter of the same or a lower priority number.
        const after = waiting.findIndex((w) => w.priority > priority)
        waiting.splice(after === -1 ? waiting.length : after, 0, waiter)
        if (giving !== undefined && priority < giving.priority) Deferred.unsafeDone(giving.way, Exit.void)
        return restore(Deferred.await(granted)).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              const at = waiting.indexOf(waiter)
              // Still waiting: it leaves the queue; handed the turn meanwhile: it hands it on.
              if (at !== -1) waiting.splice(at, 1)
              else pass()
            })
          )
        )
      })

    // Waits under the turn for the instant the request may go, and lets it go (records it) or, for
    // a `ready`, not. A `ready` gives way to a request of a lower priority number that asks before
    // that instant: false then, and nothing waited for is kept.
    const paced = (asked: number, priority: number, go: boolean, readied: { at: number; before: number }) =>
      Effect.gen(function*() {
        // Read under the turn: the state only changes while the turn is held. A ready's slot is
        // after the last ready's too: two readies waiting together do not both take one free slot.
        const { at: slot, planned } = due(asked)
        const at = go ? slot : Math.max(slot, Math.ceil(lastReady + interval))
        const way = yield* Deferred.make<void>()
        let now = yield* Clock.currentTimeMillis
        for (;;) {
          // One may have asked between this ready being handed the turn and now.
          if (!go && (waiting[0]?.priority ?? priority) < priority) return false
          // A timer may fire a little early by the wall clock: wait out what is left.
          if (now >= at) break
          if (go) yield* Effect.sleep(Duration.millis(at - now))
          else {
            giving = { priority, way }
            const gaveWay = yield* Effect.raceFirst(
              Effect.as(Effect.sleep(Duration.millis(at - now)), false),
              Effect.as(Deferred.await(way), true)
            ).pipe(Effect.ensuring(Effect.sync(() => (giving = undefined))))
            if (gaveWay) return false
          }
          now = yield* Clock.currentTimeMillis
        }
        if (go) record(planned, now)
        else {
          readied.before = lastReady
          readied.at = now
          lastReady = now
        }
        return true
      })

    const waitFor = (priority: number, go: boolean, readied = { at: 0, before: 0 }) =>
      Effect.flatMap(Clock.currentTimeMillis, (asked) =>
        Effect.uninterruptibleMask((restore) => {
          const once: Effect.Effect<void> = Effect.zipRight(
            turn(priority, restore),
            Effect.flatMap(Effect.ensuring(restore(paced(asked, priority, go, readied)), Effect.sync(pass)), (done) => done ? Effect.void : once)
          )
          return once
        }))

    const ready = (priority: number) =>
      Effect.suspend(() => {
        const readied = { at: 0, before: 0 }
        // Handed back while no later ready has returned: the next one may have this slot, also one
        // already waiting for the slot after it, which looks again.
        const giveBack = Effect.sync(() => {
          if (lastReady !== readied.at) return
          lastReady = readied.before
          if (giving !== undefined) Deferred.unsafeDone(giving.way, Exit.void)
        })
        return Effect.as(waitFor(priority, false, readied), giveBack)
      })

    return { rate, take: (priority) => waitFor(priority, true), ready }
  })
