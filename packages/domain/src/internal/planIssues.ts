/**
 * What is wrong with a plan body that the fast path did not accept, found by hand in the order
 * and with the words of the schema (`RestorePlan.FromInput`, the specification: the property tests
 * check that both report the same issues), but bounded: the first `MAX_ISSUES` issues are kept
 * and every other one is only counted, so a file of a million bad entries costs a walk over it,
 * not a million formatted messages.
 */
import { MAX_ISSUES, type Issue, type Path } from "../PlanError.js"
import {
  COLLECTION_KEYS,
  ENTRY_KEYS,
  has,
  isRecord,
  MAX_LIST,
  PLAN_KEYS,
  time
} from "./fastDecode.js"
import { collectionNameProblem, databaseNameProblem } from "./names.js"
import { quote, show } from "./show.js"
import { checkMillis, parseString } from "./time.js"

/** What a plan body is, in the message for a value of the wrong type. */
export const PLAN_IS = `a plan is an object { "restore_collections": [...] }`
/** What `restore_collections` is. */
export const ENTRIES_ARE = "restore_collections is a list of entries, one per database"
/** What an entry is. */
export const ENTRY_IS = `an entry is an object { "database", "restore_database_time" } or { "database", "collections" }`
/** What `collections` is. */
export const COLLECTIONS_ARE = "collections is a list of collections to restore"
/** What a collection is. */
export const COLLECTION_IS = `a collection is an object { "old_name", "new_name"?, "restore_collection_time" }`
/** What a database name is. */
export const DATABASE_NAME_IS = "a database name is a string"
/** What a collection name is. */
export const COLLECTION_NAME_IS = "a collection name is a string"
/** What a time is, as a plan gives it. */
export const TIME_IS = "a time is UNIX epoch milliseconds (a number or a string of digits), ISO-8601 with a zone, or a Date"
/** Why an entry with both a time and collections is refused. */
export const BOTH_TIME_AND_COLLECTIONS =
  "an entry restores either the whole database (restore_database_time) or some collections (collections), not both: split it or remove one"

/** Why a database-level restore without a time is refused. */
export const databaseNeedsTime = (database: string): string =>
  `a database-level restore of ${quote(database)} needs a time: give restore_database_time, or list the collections to restore`

const got = (what: string, u: unknown): string => `${what}, got ${show(u)}`

const unexpected = (keys: ReadonlyArray<string>): string =>
  `is unexpected, expected: ${keys.map((key) => JSON.stringify(key)).join(" | ")}`

const tooLong = (what: string, length: number): string =>
  `${what} has ${length} elements; a plan holds at most ${MAX_LIST}`

/** The issues found: the first `MAX_ISSUES`, and how many in all. */
export interface Found {
  readonly issues: Array<Issue>
  count: number
}

// Keeps an issue while there is room, counts it always; the message is built only when kept.
const add = (found: Found, path: Path, message: string | (() => string)): void => {
  found.count++
  if (found.issues.length < MAX_ISSUES) {
    found.issues.push({ path, message: typeof message === "string" ? message : message() })
  }
}

// Own keys outside `allowed`, as the schema refuses them: names first (in property order), then symbols.
const excessKeys = (found: Found, o: object, allowed: ReadonlyArray<string>, path: Path): void => {
  for (const name of Object.getOwnPropertyNames(o)) {
    if (!allowed.includes(name)) add(found, [...path, name], () => unexpected(allowed))
  }
  for (const symbol of Object.getOwnPropertySymbols(o)) add(found, [...path, String(symbol)], () => unexpected(allowed))
}

/** Why `u` is not a time a plan may give, or `undefined` when it is one. */
const timeProblem = (u: unknown): string | undefined => {
  if (time(u) !== undefined) return undefined
  const result = typeof u === "string"
    ? parseString(u)
    : typeof u === "number"
    ? checkMillis(u)
    : u instanceof Date
    ? checkMillis(u.getTime())
    : undefined
  return result === undefined ? got(TIME_IS, u) : result.ok ? undefined : result.message
}

const nameProblem = (u: unknown, isName: string, problem: (name: string) => string | undefined) =>
  typeof u === "string" ? problem(u) : got(isName, u)

// A required field: "is missing", or what is wrong with its value.
const required = (found: Found, o: object, key: string, path: Path, problem: (u: unknown) => string | undefined) => {
  if (!has(o, key)) {
    add(found, [...path, key], "is missing")
    return false
  }
  const message = problem((o as Record<string, unknown>)[key])
  if (message !== undefined) add(found, [...path, key], message)
  return message === undefined
}

// An optional field (absent is fine; present, its value is checked).
const optional = (found: Found, o: object, key: string, path: Path, problem: (u: unknown) => string | undefined) =>
  !has(o, key) || required(found, o, key, path, problem)

const collection = (found: Found, u: unknown, path: Path): void => {
  if (!isRecord(u)) return add(found, path, () => got(COLLECTION_IS, u))
  excessKeys(found, u, COLLECTION_KEYS, path)
  required(found, u, "old_name", path, (v) => nameProblem(v, COLLECTION_NAME_IS, collectionNameProblem))
  optional(found, u, "new_name", path, (v) => nameProblem(v, COLLECTION_NAME_IS, collectionNameProblem))
  required(found, u, "restore_collection_time", path, timeProblem)
}

const entry = (found: Found, u: unknown, path: Path): void => {
  if (!isRecord(u)) return add(found, path, () => got(ENTRY_IS, u))
  const before = found.count
  excessKeys(found, u, ENTRY_KEYS, path)
  required(found, u, "database", path, (v) => nameProblem(v, DATABASE_NAME_IS, databaseNameProblem))
  const hasTime = has(u, "restore_database_time")
  optional(found, u, "restore_database_time", path, timeProblem)
  const list = has(u, "collections") ? u.collections : []
  if (!Array.isArray(list)) return add(found, [...path, "collections"], () => got(COLLECTIONS_ARE, list))
  if (list.length > MAX_LIST) return add(found, [...path, "collections"], () => tooLong("collections", list.length))
  for (let j = 0; j < list.length; j++) collection(found, list[j], [...path, "collections", j])
  // The entry as a whole is judged only when every field of it is valid, as the schema does.
  if (found.count > before) return
  if (hasTime && list.length > 0) add(found, [...path, "restore_database_time"], BOTH_TIME_AND_COLLECTIONS)
  if (!hasTime && list.length === 0) {
    add(found, [...path, "restore_database_time"], () => databaseNeedsTime(String(u.database)))
  }
}

/** Every issue of a plan body (the first `MAX_ISSUES` of them kept), in the schema's order. */
export const planIssues = (input: unknown): Found => {
  const found: Found = { issues: [], count: 0 }
  if (!isRecord(input)) {
    add(found, [], () => got(PLAN_IS, input))
    return found
  }
  excessKeys(found, input, PLAN_KEYS, [])
  if (!has(input, "restore_collections")) {
    add(found, ["restore_collections"], "is missing")
    return found
  }
  const list = input.restore_collections
  if (!Array.isArray(list)) add(found, ["restore_collections"], () => got(ENTRIES_ARE, list))
  else if (list.length > MAX_LIST) add(found, ["restore_collections"], () => tooLong("restore_collections", list.length))
  else for (let i = 0; i < list.length; i++) entry(found, list[i], ["restore_collections", i])
  return found
}
