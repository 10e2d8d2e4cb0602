/**
 * The checks of `RestoreClient`'s arguments, made before any request is built: each gives the value
 * to use, or the typed error that names the operation, the argument and what to give instead.
 */
import { DatabaseName, RestorePoint, ServiceTime, Wire } from "@dds-restore/domain"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { InvalidArgument } from "../CallError.js"
import * as JobWatch from "../JobWatch.js"
import * as Preflight from "../Preflight.js"
import * as Reconcile from "../Reconcile.js"
import type { Options as ClientOptions } from "../RestoreClient.js"
import * as RestoreLedger from "../RestoreLedger.js"
import * as RetryPolicy from "../RetryPolicy.js"
import { idFault, maxIdLength, quote } from "./segment.js"

/** An instant given as a `Date` or as epoch milliseconds, in epoch milliseconds. */
export const millisOf = (instant: Date | number): number => (typeof instant === "number" ? instant : instant.getTime())

/** The longest id, public as `RestoreClient.maxIdLength`, which says why. */
export { maxIdLength }

const asShown = "Pass the id exactly as the console or the API shows it (an instance id looks like 9136fd2a9fcd405ea4674276ce36dae8in02)."

/**
 * An id that may be placed in a URL path as one segment, or in a query: at most `maxIdLength`
 * characters (checked first, so that a huge one is refused without reading it all; the refusal
 * quotes its first 40), each a letter, a digit, `-` or `_`.
 */
export const safeId = (operation: string, argument: string, value: string): Effect.Effect<string, InvalidArgument> => {
  const fault = idFault(value)
  return fault === undefined
    ? Effect.succeed(value)
    : Effect.fail(new InvalidArgument({ operation, argument, reason: `${fault} ${asShown}` }))
}

const isRestorePoint = Schema.is(RestorePoint.RestorePoint)

/** A point in time to restore to: whole epoch milliseconds. */
export const restorePoint = (operation: string, argument: string, at: number): Effect.Effect<number, InvalidArgument> =>
  isRestorePoint(at)
    ? Effect.succeed(at)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument,
        reason: `${String(at)} is not a point in time: give whole UNIX epoch milliseconds (for example 1607762955000).`
      })
    )

/** A UTC calendar day, `YYYY-MM-DD`. */
export const utcDay = (operation: string, day: string): Effect.Effect<string, InvalidArgument> =>
  Either.isRight(ServiceTime.parseUtcDay(day))
    ? Effect.succeed(day)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "day",
        reason: `${quote(day)} is not a calendar day: give a UTC day as YYYY-MM-DD, for example 2020-12-12.`
      })
    )

/** A database name the service accepts. */
export const databaseName = (operation: string, argument: string, database: string): Effect.Effect<string, InvalidArgument> => {
  const name = DatabaseName.parse(database)
  return name._tag === "Right"
    ? Effect.succeed(name.right)
    : Effect.fail(new InvalidArgument({ operation, argument, reason: `${quote(database)} is not a database name: ${name.left}` }))
}

/** A span of the task list, `from` to `to`, as the task list takes it: in order, at most 30 days. */
export const taskSpan = (
  operation: string,
  from: Date | number,
  to: Date | number
): Effect.Effect<readonly [string, string], InvalidArgument> => {
  const start = millisOf(from)
  const end = millisOf(to)
  const refuse = (argument: string, reason: string) =>
    Effect.fail(new InvalidArgument({ operation, argument, reason }))
  if (!Number.isFinite(start) || Number.isNaN(new Date(start).getTime())) {
    return refuse("from", "is not a valid instant: give a Date or UNIX epoch milliseconds.")
  }
  if (!Number.isFinite(end) || Number.isNaN(new Date(end).getTime())) {
    return refuse("to", "is not a valid instant: give a Date or UNIX epoch milliseconds.")
  }
  if (end < start) return refuse("to", `(${ServiceTime.formatTaskTime(end)}) is before from (${ServiceTime.formatTaskTime(start)}): swap them.`)
  if (end - start > Wire.MAX_TASK_SPAN_MILLIS) {
    return refuse("to", `is more than 30 days after from (${ServiceTime.formatTaskTime(start)}): the task list spans at most 30 days, split the span.`)
  }
  return Effect.succeed([ServiceTime.formatTaskTime(start), ServiceTime.formatTaskTime(end)] as const)
}

/**
 * When a restore was submitted, for a search of the task list from `margin` before it until
 * `margin` after `now`: not in the future, and within the 30 days the task list spans.
 */
export const submissionTime = (
  operation: string,
  submittedAt: Date | number,
  now: number,
  margin: number
): Effect.Effect<number, InvalidArgument> => {
  const at = millisOf(submittedAt)
  return Number.isFinite(at) && at <= now + margin && now - at + 2 * margin <= Wire.MAX_TASK_SPAN_MILLIS
    ? Effect.succeed(at)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "submittedAt",
        reason: `${ServiceTime.formatTaskTime(at)} is not an instant of the last 30 days: ` +
          "the task list is searched from just before the submission until now, over at most 30 days; give when the restore was submitted."
      })
    )
}

/** The most restores of a batch at once, public as `RestoreClient.maxConcurrency`, which says why. */
export const maxConcurrency = 64

/** How many restores of a batch run at once: a whole number from 1 to `maxConcurrency`. */
export const concurrency = (operation: string, value: number): Effect.Effect<number, InvalidArgument> =>
  Number.isInteger(value) && value >= 1 && value <= maxConcurrency
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "concurrency",
        reason: `${String(value)} is not a number of restores at once: give a whole number from 1 to ${maxConcurrency}.`
      })
    )

/**
 * How many reads a preflight runs at once (in `preflight`, or in `restore`'s): a whole number from 1
 * to `Preflight.maxConcurrency`, `Preflight.DEFAULT_CONCURRENCY` when not given. Checked once, by
 * the operation, before anything else is done (in `restore`, before the lease is waited for).
 */
export const preflightConcurrency = (
  given: number | undefined,
  operation = "preflight",
  argument = "concurrency"
): Effect.Effect<number, InvalidArgument> => {
  const value = given ?? Preflight.DEFAULT_CONCURRENCY
  return Number.isInteger(value) && value >= 1 && value <= Preflight.maxConcurrency
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument,
        reason: `${String(value)} is not a number of reads at once: give a whole number from 1 to ${Preflight.maxConcurrency}.`
      })
    )
}

/** The slowest request rate, public as `RestoreClient.minRequestRate`, which says why. */
export const minRequestRate = 0.01

/** A request rate: at least `minRequestRate`, or absent for no limit. */
export const requestRate = (
  operation: string,
  value: number | undefined
): Effect.Effect<number | undefined, InvalidArgument> =>
  value === undefined || (Number.isFinite(value) && value >= minRequestRate)
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "requestsPerSecond",
        reason: `${String(value)} is not a request rate: give a number of requests per second of at least ${minRequestRate} (one every 100 seconds), or leave it out for no limit.`
      })
    )

/** The longest wait for an instance's lease, public as `RestoreClient.maxLeaseWait`, which says why. */
export const maxLeaseWait: Duration.Duration = Duration.hours(1)

/**
 * The bounds of a duration argument and the words of its refusal: what it is ("wait for a lease"),
 * an example, why the bound (said after "give at most that"), and what else may be given (said
 * after every refusal: ", or 0 not to wait").
 */
export interface Span {
  readonly what: string
  readonly example: string
  readonly min?: Duration.Duration
  readonly max?: Duration.Duration
  readonly why?: string
  readonly also?: string
}

// A duration within its span, or why it is not.
const within = (value: Duration.DurationInput, span: Span): Either.Either<Duration.Duration, string> => {
  const refuse = (reason: string) => Either.left(`${reason}${span.also ?? ""}.`)
  return Option.match(Option.filter(Duration.decodeUnknown(value), Duration.isFinite), {
    onSome: (given) =>
      span.max !== undefined && Duration.greaterThan(given, span.max)
        ? refuse(`${Duration.format(given)} is longer than the longest ${span.what}, ${Duration.format(span.max)}: give at most that${span.why ?? ""}`)
        : span.min !== undefined && Duration.lessThan(given, span.min)
        ? refuse(`${Duration.format(given)} is shorter than the shortest ${span.what}, ${Duration.format(span.min)}: give at least that${span.why ?? ""}`)
        : Either.right(given),
    onNone: () => refuse(`${quote(String(value))} is not a ${span.what}: give a finite duration, such as "${span.example}"`)
  })
}

/** A duration argument: finite, within its span. */
export const duration = (
  operation: string,
  argument: string,
  value: Duration.DurationInput,
  span: Span
): Effect.Effect<Duration.Duration, InvalidArgument> =>
  Either.match(within(value, span), {
    onLeft: (reason) => Effect.fail(new InvalidArgument({ operation, argument, reason })),
    onRight: Effect.succeed
  })

/**
 * Settings made of durations, each one given checked against its span (its argument named
 * `prefix` and its key), each one left out its default.
 */
export const durations = <K extends string>(
  operation: string,
  prefix: string,
  defaults: { readonly [key in K]: Duration.Duration },
  options: NoInfer<{ readonly [key in K]?: Duration.DurationInput | undefined }>,
  spans: NoInfer<{ readonly [key in K]: Span }>
): Effect.Effect<{ [key in K]: Duration.Duration }, InvalidArgument> =>
  Effect.gen(function*() {
    const settings: { [key in K]: Duration.Duration } = { ...defaults }
    for (const key of Object.keys(defaults) as Array<K>) {
      const given = options[key]
      if (given !== undefined) settings[key] = yield* duration(operation, `${prefix}${key}`, given, spans[key])
    }
    return settings
  })

const leaseWaitSpan: Span = {
  what: "wait for a lease",
  example: "30 seconds",
  max: maxLeaseWait,
  why: " (a submission that holds the instance longer is stuck, not busy)",
  also: ", or 0 not to wait"
}

/** How long to wait for an instance's lease: 0 (not at all) to `maxLeaseWait`. */
export const leaseWait = (operation: string, value: Duration.DurationInput): Effect.Effect<Duration.Duration, InvalidArgument> =>
  duration(operation, "leaseWait", value, leaseWaitSpan)

const leaseTtlSpan: Span = {
  what: "time to live of a lease",
  example: "30 seconds",
  min: RestoreLedger.minLeaseTtl,
  max: RestoreLedger.maxLeaseTtl,
  why: " (a lease is renewed at a third of it, so a shorter one can run out while its holder lives, and a longer one keeps " +
    "an instance locked long after its holder died), in the client's options (RestoreClient.layer({ lease: { ttl } }))"
}

const retryDelaySpan = (example: string): Span => ({
  what: "retry delay",
  example,
  max: RetryPolicy.elapsedLimit,
  why: " (a call is not retried for longer)"
})

const retrySpans: { readonly [key in Exclude<keyof RetryPolicy.Options, "maxAttempts">]: Span } = {
  baseDelay: retryDelaySpan("500 millis"),
  throttleDelay: retryDelaySpan("2 seconds"),
  maxDelay: retryDelaySpan("10 seconds"),
  maxElapsed: { what: "time to retry a call", example: "60 seconds", max: RetryPolicy.elapsedLimit }
}

/** What is wrong with one of a client's own options, said by every call of that client. */
export interface OptionProblem {
  readonly argument: string
  readonly reason: string
}

/**
 * What is wrong with a client's own options (its retry policy, its lease), if anything: the client
 * is built without a failure of its own, and every one of its calls is refused with it instead.
 */
export const clientOptions = (options: Pick<ClientOptions, "retryPolicy" | "lease">): OptionProblem | undefined => {
  const retry = options.retryPolicy ?? {}
  const attempts = retry.maxAttempts
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= RetryPolicy.attemptsLimit)) {
    return {
      argument: "retryPolicy.maxAttempts",
      reason: `${String(attempts)} is not a number of attempts from 1 to ${RetryPolicy.attemptsLimit}: give a whole number in that range (1 never retries).`
    }
  }
  const durations: ReadonlyArray<readonly [string, Duration.DurationInput | undefined, Span]> = [
    ...(Object.keys(retrySpans) as Array<keyof typeof retrySpans>).map((key) => [`retryPolicy.${key}`, retry[key], retrySpans[key]] as const),
    ["lease.ttl", options.lease?.ttl, leaseTtlSpan],
    ["lease.wait", options.lease?.wait, leaseWaitSpan]
  ]
  for (const [argument, value, span] of durations) {
    const checked = value === undefined ? undefined : within(value, span)
    if (checked !== undefined && Either.isLeft(checked)) return { argument, reason: checked.left }
  }
  return undefined
}

/** The settings of a search of the task list (`restore`'s `reconcile`, `reconcile`, `recover`), within their bounds. */
export const reconcileSettings = (
  operation: string,
  prefix: string,
  options: Reconcile.Options = {}
): Effect.Effect<Reconcile.Settings, InvalidArgument> =>
  durations(operation, prefix, Reconcile.defaults, options, {
    wait: {
      what: "wait for a lost answer's job",
      example: "60 seconds",
      max: Reconcile.maxWait,
      why: " (a new task shows in the task list within seconds, and the instance stays leased while its job is looked for)"
    },
    interval: { what: "interval between two reads of the task list", example: "3 seconds", min: Reconcile.minInterval },
    clockSkewMargin: {
      what: "clock skew margin",
      example: "15 minutes",
      max: Reconcile.maxClockSkewMargin,
      why: " (the gateway refuses a signature further than that from its clock)"
    }
  })

/** The polling settings of a wait on a job, within their bounds. */
export const jobWatchSettings = (operation: string, options: JobWatch.Options = {}): Effect.Effect<JobWatch.Settings, InvalidArgument> =>
  durations(operation, "", JobWatch.defaults, options, {
    initialInterval: { what: "interval between two reads of a job", example: "2 seconds", min: JobWatch.minInterval },
    maxInterval: { what: "interval between two reads of a job", example: "30 seconds", min: JobWatch.minInterval },
    timeout: {
      what: "wait for a job",
      example: "2 hours",
      max: JobWatch.maxTimeout,
      why: " (a restore job runs for hours, not weeks: wait on it again to wait longer)"
    },
    notVisibleFor: { what: "wait for a new job to show", example: "30 seconds", max: JobWatch.maxTimeout }
  })
