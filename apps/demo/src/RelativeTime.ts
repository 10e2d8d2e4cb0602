/**
 * Times relative to now in a plan file (`now`, `now-90m`, `now-2h`, `now-1d`), a convenience of the
 * command line only: they are resolved to epoch milliseconds before the plan is decoded, so the
 * domain model (and every other user of it) keeps reading absolute times only. Example plans
 * written this way stay inside the restorable windows, which move with the clock.
 *
 * @since 0.1.0
 */
import type { PlanError } from "@dds-restore/domain"
import * as Either from "effect/Either"
import { unitMillis } from "./DurationOption.js"

/**
 * How a relative time is written, for help texts and error messages.
 *
 * @since 0.1.0
 */
export const syntax = "now, or now-<amount><unit> with unit s, m, h or d (now-90m, now-2h, now-1d)"

const relative = /^now(?:-(\d+)(s|m|h|d))?$/

/**
 * Reads one relative time against `now` (epoch ms): `undefined` when the text is not meant as one
 * (it does not start with `now`), else the epoch ms or why it cannot be read.
 *
 * @since 0.1.0
 */
export const parse = (text: string, now: number): Either.Either<number, string> | undefined => {
  const trimmed = text.trim()
  if (!trimmed.startsWith("now")) return undefined
  const match = relative.exec(trimmed)
  if (match === null) return Either.left(`${JSON.stringify(text)} is not a relative time: write ${syntax}`)
  const [, amount, unit] = match
  return Either.right(
    amount === undefined || unit === undefined ? now : now - Number(amount) * unitMillis[unit as "s" | "m" | "h" | "d"]
  )
}

/**
 * A plan file's content with its relative times resolved, and the issues of those that could not
 * be read (left in place, so the plan's decoding reports nothing else about them).
 *
 * @since 0.1.0
 */
export interface Resolved {
  readonly input: unknown
  readonly issues: ReadonlyArray<PlanError.Issue>
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Resolves the relative times of a plan file's content: only the time fields of the wire shape
 * (`restore_database_time`, `restore_collection_time`) are read, so a name that happens to start
 * with `now` is left alone. The input is not changed; a resolved copy is returned.
 *
 * @since 0.1.0
 */
export const resolve = (input: unknown, now: number): Resolved => {
  const issues: Array<PlanError.Issue> = []
  const time = (value: unknown, path: ReadonlyArray<string | number>): unknown => {
    if (typeof value !== "string") return value
    const parsed = parse(value, now)
    if (parsed === undefined) return value
    if (Either.isRight(parsed)) return parsed.right
    issues.push({ path, message: parsed.left })
    return value
  }
  if (!isRecord(input) || !Array.isArray(input["restore_collections"])) return { input, issues }
  const entries: ReadonlyArray<unknown> = input["restore_collections"]
  const resolvedEntries = entries.map((entry, i) => {
    if (!isRecord(entry)) return entry
    const at = ["restore_collections", i] as const
    const copy: Record<string, unknown> = { ...entry }
    if ("restore_database_time" in entry) copy["restore_database_time"] = time(entry["restore_database_time"], [...at, "restore_database_time"])
    const collections = entry["collections"]
    if (Array.isArray(collections)) {
      copy["collections"] = collections.map((collection: unknown, j) =>
        isRecord(collection) && "restore_collection_time" in collection
          ? {
            ...collection,
            restore_collection_time: time(collection["restore_collection_time"], [...at, "collections", j, "restore_collection_time"])
          }
          : collection
      )
    }
    return copy
  })
  return { input: { ...input, restore_collections: resolvedEntries }, issues }
}
