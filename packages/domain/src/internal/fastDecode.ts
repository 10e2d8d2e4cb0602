/**
 * A hand-written reading of a valid plan body, for speed: decoding ten thousand collections
 * through the nested schemas takes tens of milliseconds. It gives up (returns `undefined`) at
 * the first thing it does not recognise as valid, and the caller then decodes with the schema,
 * which says what is wrong. The property tests check that whatever it accepts, the schema accepts
 * with the same result.
 */
import type { CollectionName } from "../CollectionName.js"
import type { DatabaseName } from "../DatabaseName.js"
import type { CollectionRestore, Entry, RestorePlan } from "../RestorePlan.js"
import type { RestorePoint } from "../RestorePoint.js"
import { collectionNameProblem, databaseNameProblem } from "./names.js"
import { checkMillis, MAX_MILLIS, parseString, type TimeResult } from "./time.js"

type Fields = Record<PropertyKey, unknown>

/** Whether `o` has `key` as its own property (an inherited one is not part of a plan). */
export const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)

/** An object that is not a list: what a plan, an entry and a collection must be. */
export const isRecord = (u: unknown): u is Fields => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The longest list a plan may hold (`restore_collections`, or the `collections` of one entry):
 * far more than any restore needs, and a bound on the work one input can cause (an in-memory
 * list of length 2^31 has no elements to read, but a reader would visit every index).
 */
export const MAX_LIST = 1_000_000

// Every own key is one of `allowed`, and there is no symbol key: the keys the schema sees
// (Reflect.ownKeys), read in two calls that are several times faster than that one.
const onlyKeys = (o: object, allowed: ReadonlyArray<string>): boolean => {
  for (const name of Object.getOwnPropertyNames(o)) if (!allowed.includes(name)) return false
  return Object.getOwnPropertySymbols(o).length === 0
}

/** The keys of a plan body, of an entry and of a collection, in the order the schema reads them. */
export const PLAN_KEYS: ReadonlyArray<string> = ["restore_collections"]
/** The keys of an entry. */
export const ENTRY_KEYS: ReadonlyArray<string> = ["database", "restore_database_time", "collections"]
/** The keys of a collection. */
export const COLLECTION_KEYS: ReadonlyArray<string> = ["old_name", "new_name", "restore_collection_time"]

// A string of at most 15 digits, as the SDKs send times, read without a regular expression or
// an allocation; -1 when it is anything else. 15 digits stay below 2^53, so the sum is exact.
const shortDigits = (text: string): number => {
  const n = text.length
  if (n === 0 || n > 15) return -1
  let value = 0
  for (let k = 0; k < n; k++) {
    const digit = text.charCodeAt(k) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

const fromResult = (result: TimeResult): RestorePoint | undefined => (result.ok ? (result.millis as RestorePoint) : undefined)

/** A time as the schema reads it, or `undefined` when it is not one. */
export const time = (u: unknown): RestorePoint | undefined => {
  if (typeof u === "string") {
    const millis = shortDigits(u)
    return millis >= 0 && millis <= MAX_MILLIS ? (millis as RestorePoint) : fromResult(parseString(u))
  }
  if (typeof u === "number") return fromResult(checkMillis(u))
  return u instanceof Date ? fromResult(checkMillis(u.getTime())) : undefined
}

const collectionName = (u: unknown): CollectionName | undefined =>
  typeof u === "string" && collectionNameProblem(u) === undefined ? (u as CollectionName) : undefined

const collection = (u: unknown): CollectionRestore | undefined => {
  if (!isRecord(u) || !onlyKeys(u, COLLECTION_KEYS)) return undefined
  if (!has(u, "old_name") || !has(u, "restore_collection_time")) return undefined
  const oldName = collectionName(u.old_name)
  const at = time(u.restore_collection_time)
  if (oldName === undefined || at === undefined) return undefined
  if (!has(u, "new_name")) return { oldName, at }
  const newName = collectionName(u.new_name)
  return newName === undefined ? undefined : { oldName, newName, at }
}

const entry = (u: unknown): Entry | undefined => {
  if (!isRecord(u) || !onlyKeys(u, ENTRY_KEYS) || !has(u, "database")) return undefined
  const database = u.database
  if (typeof database !== "string" || databaseNameProblem(database) !== undefined) return undefined
  const hasTime = has(u, "restore_database_time")
  const at = hasTime ? time(u.restore_database_time) : undefined
  if (hasTime && at === undefined) return undefined
  const list = has(u, "collections") ? u.collections : []
  if (!Array.isArray(list) || list.length > MAX_LIST) return undefined
  if (list.length === 0) {
    return at === undefined ? undefined : { _tag: "DatabaseRestore", database: database as DatabaseName, at }
  }
  if (at !== undefined) return undefined
  const collections: Array<CollectionRestore> = new Array(list.length)
  for (let j = 0; j < list.length; j++) {
    const c = collection(list[j])
    if (c === undefined) return undefined
    collections[j] = c
  }
  return {
    _tag: "CollectionsRestore",
    database: database as DatabaseName,
    collections: collections as [CollectionRestore, ...Array<CollectionRestore>]
  }
}

/** The plan a valid body describes, or `undefined` when the body is not plainly valid. */
export const fastDecode = (input: unknown): RestorePlan | undefined => {
  if (!isRecord(input) || !onlyKeys(input, PLAN_KEYS) || !has(input, "restore_collections")) return undefined
  const list = input.restore_collections
  if (!Array.isArray(list) || list.length > MAX_LIST) return undefined
  const entries: Array<Entry> = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const e = entry(list[i])
    if (e === undefined) return undefined
    entries[i] = e
  }
  return { entries }
}
