/**
 * The service's two ways of writing a time besides epoch milliseconds, written and read here once
 * for the client that sends them and the fake service that parses them: the task list's instants
 * (`2026-11-30T14:24:53+0000`, whole seconds with a zone offset) and the restore-time call's UTC
 * days (`2026-11-30`).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"

/**
 * Milliseconds in a day.
 *
 * @since 0.1.0
 */
export const DAY_MILLIS = 86_400_000

// Date's range is ±8.64e15 ms; a number outside it (or not a number) has no calendar form, and
// is written as the number so that a message quoting it still reads.
const inDateRange = (millis: number): boolean => Number.isFinite(millis) && Math.abs(millis) <= 8.64e15

/**
 * A task-list instant as the service writes one and the official SDKs send one,
 * `yyyy-mm-ddThh:mm:ss` and a zone offset: always UTC here, `+0000`, the milliseconds dropped.
 *
 * @since 0.1.0
 */
export const formatTaskTime = (millis: number): string =>
  inDateRange(millis) ? `${new Date(millis).toISOString().slice(0, 19)}+0000` : String(millis)

const TASK_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{4}|[+-]\d{2}:\d{2})$/

// Date.UTC rolls 2021-02-30 over into March: a date that does not come back unchanged is no date.
const checkedUtc = (y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined => {
  const millis = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(millis)
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d &&
      back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s
    ? millis
    : undefined
}

/**
 * Reads a task-list instant, `yyyy-mm-ddThh:mm:ss` followed by `Z` or an offset `±hhmm`, as epoch
 * milliseconds: the instant, whatever the zone it is written in. The API reference and the SDKs
 * write the offset without a colon (`+0800`), so `+08:00` is refused, saying how to write it.
 *
 * @since 0.1.0
 */
export const parseTaskTime = (text: string): Either.Either<number, string> => {
  const m = TASK_TIME.exec(text)
  if (m === null) {
    return Either.left(`"${text}" is not a task-list time: expected yyyy-mm-ddThh:mm:ss and a zone offset, e.g. 2026-11-30T14:24:53+0000`)
  }
  const [, y, mo, d, h, mi, s] = m as unknown as ReadonlyArray<string>
  const zone = m[7] ?? "Z"
  const local = checkedUtc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s))
  if (local === undefined) return Either.left(`"${text}" is not a valid date and time`)
  if (zone === "Z") return Either.right(local)
  if (zone.length === 6) {
    return Either.left(`"${text}" writes its zone offset with a colon: write ${zone.replace(":", "")} as the service does`)
  }
  const hours = Number(zone.slice(1, 3))
  const minutes = Number(zone.slice(3, 5))
  if (hours > 23 || minutes > 59) return Either.left(`"${text}" has an invalid zone offset ${zone}`)
  const sign = zone[0] === "-" ? -1 : 1
  return Either.right(local - sign * (hours * 60 + minutes) * 60_000)
}

/**
 * The UTC day (`yyyy-mm-dd`) an instant falls on.
 *
 * @since 0.1.0
 */
export const formatUtcDay = (millis: number): string =>
  inDateRange(millis) ? new Date(millis).toISOString().slice(0, 10) : String(millis)

/**
 * Reads a UTC day `yyyy-mm-dd` as the epoch milliseconds of its start; a day that does not exist
 * (`2021-02-30`) is refused.
 *
 * @since 0.1.0
 */
export const parseUtcDay = (text: string): Either.Either<number, string> => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const start = m === null ? undefined : checkedUtc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0)
  return start === undefined
    ? Either.left(`"${text}" is not a calendar day: give a UTC day as yyyy-mm-dd, for example 2020-12-12`)
    : Either.right(start)
}
