/**
 * The `X-Sdk-Date` of the cloud's API gateway: how a signed request is dated, how the gateway
 * quotes its own clock back when it refuses a stale one, and how far apart the two may be. Signers,
 * servers that verify them and fakes of the gateway all read and write it the same way.
 *
 * @since 0.1.0
 */

/**
 * How far the `X-Sdk-Date` of a request may be from the gateway's clock: 15 minutes.
 *
 * @since 0.1.0
 */
export const maxClockSkewMillis = 15 * 60 * 1000

/**
 * Formats epoch milliseconds as an `X-Sdk-Date`: `YYYYMMDDTHHMMSSZ`, UTC.
 *
 * @since 0.1.0
 */
export const format = (millis: number): string => {
  const iso = new Date(millis).toISOString()
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z"
}

const pattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/**
 * Parses an `X-Sdk-Date` into epoch milliseconds; `undefined` when it is not a real
 * `YYYYMMDDTHHMMSSZ` date.
 *
 * @since 0.1.0
 */
export const parse = (date: string): number | undefined => {
  const m = pattern.exec(date)
  if (m === null) return undefined
  const millis = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  // Date.UTC rolls 20191332 over into the next year: only a date that formats back to itself is real.
  return Number.isNaN(millis) || format(millis) !== date ? undefined : millis
}

/**
 * The gateway's clock as it quotes it in a signature-expired refusal
 * (`... signature time:20211217T064303Z,server time:20211217T065804Z`), as epoch milliseconds;
 * `undefined` when the message does not quote it.
 *
 * @since 0.1.0
 */
export const serverTimeIn = (message: string): number | undefined => {
  const match = /server\s*time\s*:\s*(\d{8}T\d{6}Z)/i.exec(message)
  return match?.[1] === undefined ? undefined : parse(match[1])
}
