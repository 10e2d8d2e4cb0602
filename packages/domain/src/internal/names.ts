/**
 * The naming rules of docs/service.md as plain functions, shared by the name schemas and the plan
 * decoder's fast path so that both refuse the same names with the same words. Lengths are UTF-8
 * bytes, as MongoDB counts them.
 */
import { quote } from "./show.js"

const RESERVED_DATABASES: ReadonlySet<string> = new Set(["admin", "local", "config"])

// The characters MongoDB and the service refuse in a database name: / \ . " $ * < > : | ? space (and NUL, below).
const FORBIDDEN_IN_DATABASE = /[/\\."$*<>:|? ]/

/** The longest database name, in UTF-8 bytes (MongoDB: under 64). */
export const MAX_DATABASE_BYTES = 63

const describeChar = (c: string): string => (c === " " ? "a space" : c === "\u0000" ? "a NUL character" : `"${c}"`)

/**
 * The length of `text` in UTF-8 bytes, as MongoDB counts names, or -1 when it holds a lone
 * surrogate (half of a UTF-16 pair, which has no UTF-8 form).
 */
export const utf8Length = (text: string): number => {
  // The native scan is much faster than the loop over a long name, and most names are ASCII.
  if (!NON_ASCII.test(text)) return text.length
  let bytes = text.length
  for (let k = 0; k < text.length; k++) {
    const unit = text.charCodeAt(k)
    if (unit < 0x80) continue
    if (unit < 0x800) bytes += 1
    else if (unit < 0xd800 || unit > 0xdfff) bytes += 2
    else if (unit <= 0xdbff && isLowSurrogate(text.charCodeAt(k + 1))) {
      bytes += 2 // 4 bytes for the pair, which counts 2 units
      k++
    } else return -1
  }
  return bytes
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff

const loneSurrogate = (kind: string, name: string): string =>
  `${kind} ${quote(name)} contains a lone surrogate (half of a UTF-16 pair), which is not text: fix the name's encoding`

/** Why `name` cannot be a database name, or `undefined` when it can. */
export const databaseNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return "a database name cannot be empty"
  const bytes = utf8Length(name)
  if (bytes < 0) return loneSurrogate("database name", name)
  if (bytes > MAX_DATABASE_BYTES) {
    return `database name ${quote(name)} is too long: ${bytes} bytes; at most ${MAX_DATABASE_BYTES} (MongoDB counts UTF-8 bytes)`
  }
  if (RESERVED_DATABASES.has(name)) return `${quote(name)} is reserved by MongoDB (admin, local, config): restore another database`
  const forbidden = name.includes("\u0000") ? "\u0000" : FORBIDDEN_IN_DATABASE.exec(name)?.[0]
  if (forbidden !== undefined) {
    return `database name ${quote(name)} contains ${describeChar(forbidden)}, which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`
  }
  return undefined
}

/** Why `name` cannot be a collection name, or `undefined` when it can. */
export const collectionNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return "a collection name cannot be empty"
  if (name.includes("$")) return `collection name ${quote(name)} contains "$", which a collection name cannot contain`
  if (name.includes("\u0000")) return `collection name ${quote(name)} contains a NUL character, which a collection name cannot contain`
  if (name.startsWith("system.")) return `collection name ${quote(name)} starts with "system.", which MongoDB reserves for its own collections`
  if (utf8Length(name) < 0) return loneSurrogate("collection name", name)
  return undefined
}
