/**
 * How a wrong value is shown in a message: short, printable, and never throwing, whatever the
 * value is.
 */

/** The longest prefix of a string quoted in a message, in UTF-16 units (a namespace fits). */
export const QUOTED_PREFIX = 128

// What JSON.stringify leaves raw and a terminal would act on: DEL, the C1 controls (U+009B is
// CSI), the line and paragraph separators, and the bidirectional controls.
const UNPRINTABLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`

/**
 * A string as a JSON string literal, cut to its first `QUOTED_PREFIX` units (with "…" and the
 * full length when cut), every control character escaped.
 */
export const quote = (text: string): string => {
  const cut = text.length > QUOTED_PREFIX
  const shown = JSON.stringify(cut ? text.slice(0, QUOTED_PREFIX) : text).replace(UNPRINTABLE, escape)
  return cut ? `${shown}… (${text.length} characters)` : shown
}

/** A value as a person reads it in a message: strings quoted and cut, objects by kind only. */
export const show = (u: unknown): string => {
  switch (typeof u) {
    case "string":
      return quote(u)
    case "number":
    case "boolean":
    case "undefined":
      return String(u)
    case "bigint":
      return `${u}n`
    case "symbol":
      return "a symbol"
    case "function":
      return "a function"
    default:
      return u === null ? "null" : Array.isArray(u) ? "a list" : u instanceof Date ? "a Date" : "an object"
  }
}
