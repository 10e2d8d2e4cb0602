/**
 * The ways a `FakeDds` misbehaves on purpose, so a team sees how its code copes with what the real
 * service and its gateway do: slow answers, throttling, server errors, a restore accepted whose
 * answer is lost, and a server clock that disagrees with the caller's.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

/**
 * One misbehaviour for one call.
 *
 * - `Latency`: the answer comes `duration` later (on the Effect `Clock`), otherwise unchanged.
 * - `Throttle`: 429 with the gateway's `APIGW.0308` body; nothing is done.
 * - `ServerError`: a 5xx with an error body; nothing is done.
 * - `DropAnswer`: the call IS carried out (a restore creates its job), but the caller never gets
 *   the answer: a timeout or a reset connection.
 * - `ClockSkew`: the server's clock is `skew` ahead (or `behind`) for the signature check.
 *
 * @since 0.1.0
 */
export type Fault = Data.TaggedEnum<{
  Latency: { readonly duration: Duration.DurationInput }
  Throttle: {}
  ServerError: { readonly status: number }
  DropAnswer: { readonly reason: "Timeout" | "Connection" }
  ClockSkew: { readonly skew: Duration.DurationInput; readonly behind: boolean }
}>

const Fault = Data.taggedEnum<Fault>()

/**
 * The answer comes `duration` later.
 *
 * @since 0.1.0
 */
export const latency = (duration: Duration.DurationInput): Fault => Fault.Latency({ duration })

/**
 * The gateway throttles the call (429 `APIGW.0308`).
 *
 * @since 0.1.0
 */
export const throttle: Fault = Fault.Throttle()

/**
 * The service fails the call with a 5xx status (500 unless given).
 *
 * @since 0.1.0
 */
export const serverError = (status = 500): Fault => Fault.ServerError({ status })

/**
 * The call is carried out but its answer is lost (`Timeout` unless given).
 *
 * @since 0.1.0
 */
export const dropAnswer = (reason: "Timeout" | "Connection" = "Timeout"): Fault => Fault.DropAnswer({ reason })

/**
 * The server's clock is `skew` ahead of the caller's, or behind it with `{ behind: true }`
 * (durations are never negative, so the direction is said apart).
 *
 * @since 0.1.0
 */
export const clockSkew = (skew: Duration.DurationInput, options: { readonly behind?: boolean } = {}): Fault =>
  Fault.ClockSkew({ skew, behind: options.behind ?? false })

/**
 * Which call a fault is for; `FakeDds.requests` counts calls under the same names.
 *
 * @since 0.1.0
 */
export type Operation =
  | "restore"
  | "restoreTime"
  | "restoreDatabases"
  | "restoreCollections"
  | "instances"
  | "backupPolicy"
  | "job"
  | "tasks"
  | "iamToken"
  | "unknown"

/**
 * A fault for the next matching calls: `operation` (absent: any call), `times` (absent: once).
 *
 * @since 0.1.0
 */
export interface Injection {
  readonly operation?: Operation
  readonly times?: number
  readonly fault: Fault
}

/**
 * Faults at a rate, drawn from the fake's seeded `Random` so that a run is reproducible:
 * `throttle`, `error5xx` and `dropRestoreAnswer` are probabilities (0 to 1) per call
 * (`dropRestoreAnswer` for restore calls only); `latency` is added to every call; `clockSkew` sets
 * the server's clock ahead by that much for the signature check (`clockSkewBehind` puts it
 * behind).
 *
 * @since 0.1.0
 */
export interface Rates {
  /** Every restore is carried out at once and its answer held back this long (on the Effect `Clock`). */
  readonly delayRestoreAnswer?: Duration.DurationInput
  readonly throttle?: number
  readonly error5xx?: number
  readonly latency?: Duration.DurationInput
  readonly dropRestoreAnswer?: number
  readonly clockSkew?: Duration.DurationInput
  readonly clockSkewBehind?: boolean
}
