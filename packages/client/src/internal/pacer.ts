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
 * One waiter at a time holds the turn (a semaphore) and sleeps for its instant; the others queue
 * behind it. A waiter interrupted before it is let go records nothing and moves no slot, so the
 * next one takes its slot; a waiter interrupted after it was let go counts as sent, which only ever
 * makes the pace slower, never faster. A slot is never planned before its request asked: after a
 * pause in demand the schedule starts again from the asking instant, with no burst to make up for it.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** The most request instants a pacer keeps: above 1000 a second, the window is shorter than a second. */
export const maxBurst = 1000

/** Lets requests go at the pace. */
export interface Pacer {
  /** The rate it keeps, in requests per second. */
  readonly rate: number
  /** Waits for the caller's turn at the pace; returns once the request may go, now. */
  readonly take: Effect.Effect<void>
}

/** A pacer of `rate` requests a second (above 0, finite: checked by the caller). */
export const make = (rate: number): Effect.Effect<Pacer> =>
  Effect.map(Effect.makeSemaphore(1), (turn) => {
    const interval = 1000 / rate
    const burst = Math.min(maxBurst, Math.max(1, Math.ceil(rate)))
    const window = burst * interval
    // The instants the last `burst` requests were let go, oldest at `oldest` once full.
    const sent: Array<number> = []
    let oldest = 0
    // The planned instant of the next slot.
    let next = Number.NEGATIVE_INFINITY

    // The instant the last request was let go.
    let last = Number.NEGATIVE_INFINITY

    const due = (asked: number): { readonly planned: number; readonly at: number } => {
      const planned = Math.max(next, asked)
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
      next = planned + interval
    }

    const take = Effect.flatMap(Clock.currentTimeMillis, (asked) =>
      turn.withPermits(1)(
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
      ))

    return { rate, take }
  })
