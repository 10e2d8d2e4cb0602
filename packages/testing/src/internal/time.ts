// The date formats the service and its gateway use, in UTC, with no clock reads: times come in
// as epoch milliseconds.

const DAY = 86_400_000

/** Milliseconds in a day. */
export const dayMillis = DAY

/** `2020-12-12T09:02:11+0000`: how a job's `created` and `ended` read. */
export const jobTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}+0000`

/** A `YYYY-MM-DD` day as the epoch ms of its start, or undefined when it is not a real day. */
export const parseUtcDay = (text: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (m === null) return undefined
  return checkedUtc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0)
}

/** A task-list bound `YYYY-MM-DDThh:mm:ssZ` as epoch ms, or undefined when malformed. */
export const parseTaskTime = (text: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text)
  if (m === null) return undefined
  return checkedUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
}

/** An RFC 7231 `Date` header value. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString()

// Date.UTC rolls 2021-02-30 over to March: a date that does not round-trip is not a date.
const checkedUtc = (y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined => {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  return back.getUTCFullYear() === y &&
      back.getUTCMonth() === mo - 1 &&
      back.getUTCDate() === d &&
      back.getUTCHours() === h &&
      back.getUTCMinutes() === mi &&
      back.getUTCSeconds() === s
    ? ms
    : undefined
}
