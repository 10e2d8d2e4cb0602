/**
 * The hand-written reading of a restore point, shared by the `RestorePoint` schemas and the plan
 * decoder's fast path so that both accept and refuse exactly the same inputs with the same words.
 */
import { quote } from "./show.js"

/** 9999-12-31T23:59:59.999Z: a later time is a mistake (seconds or microseconds for milliseconds), not a plan. */
export const MAX_MILLIS = 253_402_300_799_999

const DIGITS = /^[0-9]+$/
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/

/** The outcome of reading a time: the epoch milliseconds, or why they cannot be read. */
export type TimeResult = { readonly ok: true; readonly millis: number } | { readonly ok: false; readonly message: string }

const fail = (message: string): TimeResult => ({ ok: false, message })

/** Checks that a number of milliseconds is a usable restore point. */
export const checkMillis = (n: number): TimeResult => {
  if (Number.isNaN(n)) return fail("a restore point must be a number of milliseconds, not NaN")
  if (!Number.isInteger(n)) {
    return fail(`a restore point is a whole number of UNIX epoch milliseconds, got ${n}`)
  }
  if (n < 0) return fail(`a restore point cannot be before 1970-01-01T00:00:00Z, got ${n}`)
  if (n > MAX_MILLIS) {
    return fail(`a restore point cannot be after 9999-12-31T23:59:59.999Z (${MAX_MILLIS} ms), got ${n}: was it given in microseconds?`)
  }
  // -0 is an integer >= 0; normalise it so that decode(encode(x)) is x under Object.is.
  return { ok: true, millis: n === 0 ? 0 : n }
}

const readIso = (text: string, m: RegExpExecArray): TimeResult => {
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as ReadonlyArray<string>
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = s === undefined ? 0 : Number(s)
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, "0"))
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  const back = new Date(local)
  // Date.UTC rolls 2026-02-30 over into March; a date that does not come back unchanged does not exist.
  if (
    year < 1 || back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day ||
    back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || back.getUTCSeconds() !== second
  ) {
    return fail(`${quote(text)} is not a valid date and time`)
  }
  let offset = 0
  if (zone !== undefined && zone !== "Z") {
    const zh = Number(zone.slice(1, 3)), zm = Number(zone.slice(4, 6))
    if (zh > 23 || zm > 59) return fail(`${quote(text)} has an invalid zone offset ${zone}`)
    offset = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm) * 60_000
  }
  return checkMillis(local - offset)
}

/** Reads a string: digits are epoch milliseconds, otherwise an ISO-8601 date and time with a zone. */
export const parseString = (text: string): TimeResult => {
  // Number() of a digit string is exact below 2^53, and anything it rounds lies above MAX_MILLIS anyway.
  if (DIGITS.test(text)) return checkMillis(Number(text))
  const m = ISO.exec(text)
  if (m !== null) return readIso(text, m)
  if (ISO_WITHOUT_ZONE.test(text)) {
    return fail(`${quote(text)} has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +08:00`)
  }
  return fail(
    `${quote(text)} is not a time: give UNIX epoch milliseconds (a number or a string of digits) or ISO-8601 with a zone, e.g. 2026-11-25T12:00:00Z`
  )
}

/** Reads a string of digits only, as the service's wire format has it. */
export const parseDigits = (text: string): TimeResult =>
  DIGITS.test(text)
    ? parseString(text)
    : fail(`${quote(text)} is not a string of UNIX epoch milliseconds (digits only)`)
