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
    const next = (): number => slots === 0 ? anchor : anchor + (slots * 1000) / rate

    // The instant the last request was let go.
    let last = Number.NEGATIVE_INFINITY

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

    const paced = (asked: number) =>
      Effect.gen(function*() {
        // Read under the turn: the state only changes while the turn is held.
        const { at, planned } = due(asked)
        let now = yield* Clock.currentTimeMillis
        // A timer may fire a little early by the wall clock: wait out what is left.
        while (now < at) {
          yield* Effect.sleep(Duration.millis(at - now))
          now = yield* Clock.currentTimeMillis
        }
        record(planned, now)
      })

    const take = (priority: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (asked) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.zipRight(turn(priority, restore), Effect.ensuring(restore(paced(asked)), Effect.sync(pass)))
        ))

    return { rate, take }
  })
