/**
 * How `RestoreClient` tries a call again after a failure that is safe to repeat: exponential
 * back-off with jitter, a longer first wait when the service throttles, bounded both in attempts
 * and in total time.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schedule from "effect/Schedule"
import * as Durations from "./internal/durations.js"

/**
 * The bounds and delays of retries.
 *
 * @since 0.1.0
 */
export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 means never retry. */
  readonly maxAttempts: number
  /** The first wait after a server error or a lost connection; doubled on every retry. */
  readonly baseDelay: Duration.Duration
  /**
   * The first wait after throttling (the gateway asks for 2 to 5 s); doubled on every retry, except
   * in a paced batch (see `ScheduleOptions.paced`).
   */
  readonly throttleDelay: Duration.Duration
  /** No single wait is longer than this. */
  readonly maxDelay: Duration.Duration
  /**
   * No retry is decided once this much time has passed since the first failure (one decided just
   * before starts after its wait, at most `maxDelay`).
   */
  readonly maxElapsed: Duration.Duration
}

/**
 * The options of `make`; each one left out keeps its default.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly maxAttempts?: number | undefined
  readonly baseDelay?: Duration.DurationInput | undefined
  readonly throttleDelay?: Duration.DurationInput | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
  readonly maxElapsed?: Duration.DurationInput | undefined
}

/**
 * Five attempts, 500 ms then doubling (2 s after throttling), at most 10 s per wait and 60 s in all.
 *
 * @since 0.1.0
 */
export const defaults: RetryPolicy = {
  maxAttempts: 5,
  baseDelay: Duration.millis(500),
  throttleDelay: Duration.seconds(2),
  maxDelay: Duration.seconds(10),
  maxElapsed: Duration.seconds(60)
}

/**
 * The most `maxAttempts` a client takes, 20: each retry waits longer than the last, so more only
 * put off a failure that is not going away. A client given more refuses every call with
 * `InvalidArgument`, as it does a `maxAttempts` that is not a whole number of 1 or more.
 *
 * @since 0.2.0
 */
export const attemptsLimit = 20

/**
 * The longest `maxElapsed`, and the longest of each delay, a client takes: 10 minutes. A client
 * given a longer one (or one that is not a finite duration) refuses every call with `InvalidArgument`.
 *
 * @since 0.2.0
 */
export const elapsedLimit: Duration.Duration = Duration.minutes(10)

/**
 * A policy from the defaults and the options given; `maxAttempts` is rounded down and at least 1.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): RetryPolicy => {
  const { maxAttempts, ...delays } = defaults
  return {
    maxAttempts: options.maxAttempts === undefined ? maxAttempts : Math.max(1, Math.floor(options.maxAttempts)),
    ...Durations.resolve(delays, options)
  }
}

/**
 * How one failure is to be treated: not retried, retried with the base delay, or retried with the
 * throttling delay.
 *
 * @since 0.1.0
 */
export type Decision = "Stop" | "Retry" | "Throttled"

/**
 * How `schedule` is used.
 *
 * @since 0.2.0
 */
export interface ScheduleOptions {
  /**
   * The calls go at a pace (`restoreMany`'s `requestsPerSecond`): a throttled call then waits the
   * throttling delay each time, not doubled, and is given as much time in all as a call that is not
   * paced (2 + 4 + 8 + 10 s by default: 12 waits of 2 s), still within `maxElapsed`. The pace, not
   * one call's wait, sets what the batch asks of the gateway: a slot a throttled call leaves is
   * taken by the batch's next call, so a doubled wait lowers nothing and only makes that one restore
   * later, while the same time in all rides out the same throttling.
   */
  readonly paced?: boolean | undefined
}

// The retries a throttled call is given: maxAttempts - 1 doubling waits, or, paced, as many waits
// of the throttling delay (as capped) as fit in the time those doubling waits add up to.
const throttledRetries = (policy: RetryPolicy, paced: boolean): number => {
  if (!paced) return policy.maxAttempts - 1
  const wait = Math.min(Duration.toMillis(policy.throttleDelay), Duration.toMillis(policy.maxDelay))
  if (wait <= 0) return policy.maxAttempts - 1
  let total = 0
  for (let retry = 0; retry < policy.maxAttempts - 1; retry++) {
    total += Math.min(Duration.toMillis(policy.throttleDelay) * 2 ** retry, Duration.toMillis(policy.maxDelay))
  }
  return Math.floor(total / wait)
}

/**
 * The schedule `Effect.retry` follows under a policy: it stops at the first failure `decide` calls
 * `"Stop"`, after `maxAttempts` attempts, or once `maxElapsed` has passed, and the last failure is
 * the one reported. The n-th wait is the base (or throttling) delay times 2^n, jittered by ±20% and
 * capped at `maxDelay`; `paced`, a throttled call waits the throttling delay each time, as often as
 * fits in the time its doubling waits would have taken.
 *
 * @since 0.1.0
 */
export const schedule = <E>(
  policy: RetryPolicy,
  decide: (error: E) => Decision,
  options: ScheduleOptions = {}
): Schedule.Schedule<unknown, E> => {
  const paced = options.paced === true
  const throttled = throttledRetries(policy, paced)
  return Schedule.identity<E>().pipe(
    Schedule.intersect(Schedule.count),
    Schedule.addDelay(([error, retry]) =>
      decide(error) === "Throttled"
        ? Duration.times(policy.throttleDelay, paced ? 1 : 2 ** retry)
        : Duration.times(policy.baseDelay, 2 ** retry)
    ),
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.check((_, [error, retry]) => retry < (decide(error) === "Throttled" ? throttled : policy.maxAttempts - 1)),
    Schedule.upTo(policy.maxElapsed),
    Schedule.whileInput((error: E) => decide(error) !== "Stop")
  )
}
