/**
 * The restorable windows of one UTC day drawn as a 24-hour bar, because people would rather look
 * than read: restorable spans filled, gaps empty, a column partly covered shaded, with a ruler of
 * hours under it.
 *
 * @since 0.1.0
 */
import { ServiceTime } from "@dds-restore/domain"

/**
 * A restorable window in epoch milliseconds, both ends included (as the service gives them).
 *
 * @since 0.1.0
 */
export interface Window {
  readonly start: number
  readonly end: number
}

/**
 * The characters of the bar: a column wholly restorable, partly restorable, not restorable.
 *
 * @since 0.1.0
 */
export const glyphs = { full: "█", partial: "▒", empty: "·" } as const

const DAY = ServiceTime.DAY_MILLIS
const SECOND = 1_000

/**
 * The bar of a day starting at `start` (epoch ms), one character per `24h / columns`.
 *
 * @since 0.1.0
 */
export const bar = (start: number, windows: ReadonlyArray<Window>, columns = 48): string => {
  const width = DAY / columns
  let out = ""
  for (let column = 0; column < columns; column++) {
    const from = start + column * width
    const to = from + width
    let covered = 0
    for (const window of windows) {
      // Ends are included: a window ending at t covers the millisecond t.
      covered += Math.max(0, Math.min(to, window.end + 1) - Math.max(from, window.start))
    }
    // The service reports whole seconds, so a day's last window ends at 23:59:59: a column short of
    // less than a second is drawn full.
    out += covered >= width - SECOND ? glyphs.full : covered > 0 ? glyphs.partial : glyphs.empty
  }
  return out
}

/**
 * The ruler under a bar of `columns` characters: a tick and the hour every 6 hours, `00` to `24`.
 *
 * @since 0.1.0
 */
export const ruler = (columns = 48): readonly [ticks: string, hours: string] => {
  const ticks = Array.from({ length: columns + 1 }, () => " ")
  const hours = Array.from({ length: columns + 2 }, () => " ")
  for (let quarter = 0; quarter <= 4; quarter++) {
    const at = Math.round((quarter * columns) / 4)
    ticks[at] = "|"
    const label = String(quarter * 6).padStart(2, "0")
    hours[at] = label[0] ?? " "
    hours[at + 1] = label[1] ?? " "
  }
  return [ticks.join("").trimEnd(), hours.join("").trimEnd()]
}

/**
 * The whole drawing of a day: the bar, the ruler and a legend, one string per line.
 *
 * @since 0.1.0
 */
export const draw = (start: number, windows: ReadonlyArray<Window>, columns = 48): ReadonlyArray<string> => {
  const [ticks, hours] = ruler(columns)
  const minutes = DAY / columns / 60_000
  return [
    bar(start, windows, columns),
    ticks,
    hours,
    `${glyphs.full} restorable  ${glyphs.partial} partly restorable  ${glyphs.empty} not restorable` +
    `  (one column = ${minutes} minutes, UTC)`
  ]
}

/**
 * A span of time as `5h 59m 59s` (whole seconds; milliseconds shown only under a second).
 *
 * @since 0.1.0
 */
export const formatSpan = (millis: number): string => {
  if (millis < SECOND) return `${millis}ms`
  const total = Math.floor(millis / SECOND)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return [h > 0 ? `${h}h` : "", h > 0 || m > 0 ? `${m}m` : "", `${s}s`].filter((part) => part !== "").join(" ")
}
