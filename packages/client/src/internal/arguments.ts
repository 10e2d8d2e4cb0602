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
import { isSafeSegment, quote } from "./segment.js"

/** An instant given as a `Date` or as epoch milliseconds, in epoch milliseconds. */
export const millisOf = (instant: Date | number): number => (typeof instant === "number" ? instant : instant.getTime())

/** An id that may be placed in a URL path as one segment. */
export const safeId = (operation: string, argument: string, value: string): Effect.Effect<string, InvalidArgument> =>
  isSafeSegment(value)
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument,
        reason: `${quote(value)} is not a valid id (only letters, digits, "-" and "_", not empty). ` +
          "Pass the id exactly as the console or the API shows it (an instance id looks like 9136fd2a9fcd405ea4674276ce36dae8in02)."
      })
    )

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

/** How many restores of a batch run at once: a whole number of 1 or more. */
export const concurrency = (operation: string, value: number): Effect.Effect<number, InvalidArgument> =>
  Number.isInteger(value) && value >= 1
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "concurrency",
        reason: `${String(value)} is not a number of restores at once: give a whole number of 1 or more.`
      })
    )

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

/** How long to wait for an instance's lease: 0 (not at all) to `maxLeaseWait`. */
export const leaseWait = (operation: string, value: Duration.DurationInput): Effect.Effect<Duration.Duration, InvalidArgument> => {
  const refuse = (reason: string) => Effect.fail(new InvalidArgument({ operation, argument: "leaseWait", reason }))
  return Option.match(Option.filter(Duration.decodeUnknown(value), Duration.isFinite), {
    onSome: (wait) =>
      Duration.greaterThan(wait, maxLeaseWait)
        ? refuse(`${Duration.format(wait)} is longer than the longest wait for a lease, ${Duration.format(maxLeaseWait)}: ` +
          "give at most that (a submission that holds the instance longer is stuck, not busy), or 0 not to wait.")
        : Effect.succeed(wait),
    onNone: () =>
      refuse(`${quote(String(value))} is not a wait for a lease: give a finite duration, such as "30 seconds", or 0 not to wait.`)
  })
}
