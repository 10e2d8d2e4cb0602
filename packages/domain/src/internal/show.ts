/**
 * How a wrong value is shown in a message: short, and never throwing, whatever the value is.
 */

/** A value as a person reads it in a message: strings quoted, objects by kind only. */
export const show = (u: unknown): string => {
  switch (typeof u) {
    case "string":
      return JSON.stringify(u.length > 80 ? `${u.slice(0, 80)}…` : u)
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
