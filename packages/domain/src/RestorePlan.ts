/**
 * A restore plan: which databases and collections to restore, and to which point in time. Plans
 * come from a file or a request body (`decode`, `decodeJson`) or from code (`database`,
 * `collections`, `collection`, `make`, then `validate`), and go on the wire with `encode`.
 *
 * In memory a plan is `{ entries }`, in the order of the wire body's `restore_collections`, so an
 * issue's path `["restore_collections", i, ...]` points at `entries[i]`. An entry is either a
 * `DatabaseRestore` (`database`, `at`) or a `CollectionsRestore` (`database`, a non-empty list of
 * `{ oldName, newName?, at }`); a database-level restore has no way to exist without its time.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { quote, show } from "./internal/show.js"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as CollectionName from "./CollectionName.js"
import * as DatabaseName from "./DatabaseName.js"
import { fastDecode } from "./internal/fastDecode.js"
import * as issues from "./internal/planIssues.js"
import { COLLECTION_IS, COLLECTIONS_ARE, ENTRIES_ARE, ENTRY_IS, PLAN_IS } from "./internal/planIssues.js"
import { PlanError } from "./PlanError.js"
import * as RestorePoint from "./RestorePoint.js"
import * as Rules from "./Rules.js"
import type * as Wire from "./Wire.js"

// ---------------------------------------------------------------------------------------------
// The plan in memory
// ---------------------------------------------------------------------------------------------

/**
 * One collection to restore: its name now, the name to restore it under (the service's
 * `<oldName>_bak_<ms>` when absent) and the point in time.
 *
 * @since 0.1.0
 */
export const CollectionRestore = Schema.Struct({
  oldName: CollectionName.CollectionName,
  newName: Schema.optionalWith(CollectionName.CollectionName, { exact: true }),
  at: RestorePoint.RestorePoint
}).annotations({ identifier: "CollectionRestore" })

/**
 * One collection to restore.
 *
 * @since 0.1.0
 */
export interface CollectionRestore extends Schema.Schema.Type<typeof CollectionRestore> {}

/**
 * A database-level restore: the whole database, to one point in time, which it cannot lack.
 *
 * @since 0.1.0
 */
export const DatabaseRestore = Schema.TaggedStruct("DatabaseRestore", {
  database: DatabaseName.DatabaseName,
  at: RestorePoint.RestorePoint
}).annotations({ identifier: "DatabaseRestore" })

/**
 * A database-level restore.
 *
 * @since 0.1.0
 */
export interface DatabaseRestore extends Schema.Schema.Type<typeof DatabaseRestore> {}

/**
 * A collection-level restore: some collections of one database, each to its own point in time.
 *
 * @since 0.1.0
 */
export const CollectionsRestore = Schema.TaggedStruct("CollectionsRestore", {
  database: DatabaseName.DatabaseName,
  collections: Schema.NonEmptyArray(CollectionRestore)
}).annotations({ identifier: "CollectionsRestore" })

/**
 * A collection-level restore.
 *
 * @since 0.1.0
 */
export interface CollectionsRestore extends Schema.Schema.Type<typeof CollectionsRestore> {}

/**
 * One entry of a plan: a database-level or a collection-level restore.
 *
 * @since 0.1.0
 */
export const Entry = Schema.Union(DatabaseRestore, CollectionsRestore)

/**
 * One entry of a plan.
 *
 * @since 0.1.0
 */
export type Entry = DatabaseRestore | CollectionsRestore

/**
 * A restore plan, its entries in the order of the wire body.
 *
 * @since 0.1.0
 */
export const RestorePlan = Schema.Struct({ entries: Schema.Array(Entry) }).annotations({ identifier: "RestorePlan" })

/**
 * A restore plan.
 *
 * @since 0.1.0
 */
export interface RestorePlan extends Schema.Schema.Type<typeof RestorePlan> {}

// ---------------------------------------------------------------------------------------------
// The wire codec
// ---------------------------------------------------------------------------------------------

// Says what was expected when a value has the wrong type; errors inside keep their own words.
const expected = (what: string) => ({
  message: (issue: ParseResult.ParseIssue) => `${what}, got ${show(issue.actual)}`
})

const CollectionFromInput = Schema.transform(
  Schema.Struct({
    old_name: CollectionName.CollectionName,
    new_name: Schema.optionalWith(CollectionName.CollectionName, { exact: true }),
    restore_collection_time: RestorePoint.FromInput
  }).annotations(expected(COLLECTION_IS)),
  Schema.typeSchema(CollectionRestore),
  {
    strict: true,
    decode: (c) =>
      c.new_name === undefined
        ? { oldName: c.old_name, at: c.restore_collection_time }
        : { oldName: c.old_name, newName: c.new_name, at: c.restore_collection_time },
    encode: (c) =>
      c.newName === undefined
        ? { old_name: c.oldName, restore_collection_time: c.at }
        : { old_name: c.oldName, new_name: c.newName, restore_collection_time: c.at }
  }
)

/**
 * Why an entry with `restore_database_time` and `collections` both given is refused.
 *
 * @since 0.1.0
 */
export const BOTH_TIME_AND_COLLECTIONS: string = issues.BOTH_TIME_AND_COLLECTIONS

/**
 * Why a database-level restore without a time is refused.
 *
 * @since 0.1.0
 */
export const databaseNeedsTime = (database: string): string => issues.databaseNeedsTime(database)

const EntryFromInput = Schema.transformOrFail(
  Schema.Struct({
    database: DatabaseName.DatabaseName,
    restore_database_time: Schema.optionalWith(RestorePoint.FromInput, { exact: true }),
    collections: Schema.optionalWith(
      Schema.Array(CollectionFromInput).annotations(expected(COLLECTIONS_ARE)),
      { exact: true }
    )
  }).annotations(
    expected(ENTRY_IS)
  ),
  Schema.typeSchema(Entry),
  {
    strict: true,
    decode: (entry, _, ast) => {
      const collections = entry.collections ?? []
      const at = entry.restore_database_time
      if (isNonEmpty(collections)) {
        return at === undefined
          ? ParseResult.succeed({ _tag: "CollectionsRestore" as const, database: entry.database, collections })
          : ParseResult.fail(
            new ParseResult.Pointer("restore_database_time", entry, new ParseResult.Type(ast, at, BOTH_TIME_AND_COLLECTIONS))
          )
      }
      return at === undefined
        ? ParseResult.fail(
          new ParseResult.Pointer(
            "restore_database_time",
            entry,
            new ParseResult.Type(ast, undefined, databaseNeedsTime(entry.database))
          )
        )
        : ParseResult.succeed({ _tag: "DatabaseRestore" as const, database: entry.database, at })
    },
    encode: (entry) =>
      ParseResult.succeed(
        entry._tag === "DatabaseRestore"
          ? { database: entry.database, restore_database_time: entry.at }
          : { database: entry.database, collections: entry.collections }
      )
  }
)

const isNonEmpty = <A>(as: ReadonlyArray<A>): as is readonly [A, ...Array<A>] => as.length > 0

/**
 * The plan as a request body or a plan file, checked field by field: the wire body of
 * the restore call (docs/service.md), times as strings of digits, numbers or ISO-8601 with a zone. An unknown field is
 * refused with its path. Encodes as the exact wire body (times as strings of digits). The rules
 * across entries are not part of it: see `decode` and `validate`.
 *
 * @since 0.1.0
 */
export const FromInput: Schema.Schema<RestorePlan, unknown> = Schema.transform(
  Schema.Struct({
    restore_collections: Schema.Array(EntryFromInput).annotations(
      expected(ENTRIES_ARE)
    )
  }).annotations({ identifier: "RestorePlanBody", ...expected(PLAN_IS) }),
  Schema.typeSchema(RestorePlan),
  {
    strict: true,
    decode: (body) => ({ entries: body.restore_collections }),
    encode: (plan) => ({ restore_collections: plan.entries })
  }
).annotations({ identifier: "RestorePlan.FromInput", parseOptions: { onExcessProperty: "error" } }) as Schema.Schema<
  RestorePlan,
  unknown
>

/**
 * The options of `decode` and `validate`: `now` (epoch ms) refuses times in the future; `windows`
 * (epoch ms, both ends included), when known, refuses times outside every restorable window.
 *
 * @since 0.1.0
 */
export type Options = Rules.Options

const decodeWithSchema = Schema.decodeUnknownEither(FromInput, { errors: "all" })

const issuesOf = (error: ParseResult.ParseError): PlanError["issues"] =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
    message: issue.message
  }))

const fromInput = (input: unknown): Either.Either<RestorePlan, PlanError> => {
  // The fast path accepts only what the schema accepts, with the same result; what it does not
  // accept is walked by hand for its issues, as the schema reports them but bounded (see the
  // property tests). Only a body the walk finds nothing wrong with goes through the schema.
  const fast = fastDecode(input)
  if (fast !== undefined) return Either.right(fast)
  const found = issues.planIssues(input)
  if (found.count > 0) return Either.left(new PlanError({ issues: found.issues, count: found.count }))
  return Either.mapLeft(decodeWithSchema(input), (error) => new PlanError({ issues: issuesOf(error) }))
}

const checked = (plan: RestorePlan, options: Options): Either.Either<RestorePlan, PlanError> => {
  const issues = Rules.check(plan, options)
  return issues.length === 0 ? Either.right(plan) : Either.left(new PlanError({ issues }))
}

const unreadable = (cause: unknown): PlanError =>
  new PlanError({
    issues: [{ path: [], message: `the plan could not be read: ${cause instanceof Error ? cause.message : "unknown error"}` }]
  })

/**
 * Reads a plan from a request body or a plan file, checks every field and every rule across
 * entries, and fails with one `PlanError` listing all issues.
 *
 * @since 0.1.0
 */
export const decode = (input: unknown, options: Options = {}): Effect.Effect<RestorePlan, PlanError> =>
  Effect.suspend(() => {
    let result: Either.Either<RestorePlan, PlanError>
    try {
      result = Either.flatMap(fromInput(input), (plan) => checked(plan, options))
    } catch (cause) {
      // Only a hostile input gets here (a getter or a proxy that throws while being read).
      result = Either.left(unreadable(cause))
    }
    return Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(result.left)
  })

/**
 * Reads a plan from JSON text (a plan file), as `decode` does.
 *
 * @since 0.1.0
 */
export const decodeJson = (text: string, options: Options = {}): Effect.Effect<RestorePlan, PlanError> =>
  Effect.suspend(() => {
    let input: unknown
    try {
      input = JSON.parse(text)
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : "unknown error"
      return Effect.fail(new PlanError({ issues: [{ path: [], message: `the plan is not valid JSON: ${detail}` }] }))
    }
    return decode(input, options)
  })

/**
 * Checks the rules across entries (and, for a plan built in code, nothing else: its names and
 * times were checked when built) and fails with one `PlanError` listing all issues.
 *
 * @since 0.1.0
 */
export const validate = (plan: RestorePlan, options: Options = {}): Effect.Effect<RestorePlan, PlanError> =>
  Effect.suspend(() => {
    const result = checked(plan, options)
    return Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(result.left)
  })

/**
 * The exact wire body of the restore call: times as strings of digits, `new_name` only when
 * given, no other field.
 *
 * @since 0.1.0
 */
export const encode = (plan: RestorePlan): Wire.RestoreRequestJson => ({
  restore_collections: plan.entries.map((entry) =>
    entry._tag === "DatabaseRestore"
      ? { database: entry.database, restore_database_time: RestorePoint.toWire(entry.at) }
      : {
        database: entry.database,
        collections: entry.collections.map((c) =>
          c.newName === undefined
            ? { old_name: c.oldName, restore_collection_time: RestorePoint.toWire(c.at) }
            : { old_name: c.oldName, new_name: c.newName, restore_collection_time: RestorePoint.toWire(c.at) }
        )
      }
  )
})

// ---------------------------------------------------------------------------------------------
// Plans written in code
// ---------------------------------------------------------------------------------------------

/**
 * A time as `RestorePoint.make` takes it: epoch ms (number or digits), ISO-8601 with a zone, a
 * `Date`, or a `RestorePoint`.
 *
 * @since 0.1.0
 */
export type TimeInput = string | number | Date

/**
 * A database-level restore; throws when the name or the time breaks a rule.
 *
 * @since 0.1.0
 */
export const database = (name: string, at: TimeInput): DatabaseRestore => ({
  _tag: "DatabaseRestore",
  database: DatabaseName.make(name),
  at: RestorePoint.make(at)
})

/**
 * One collection of a collection-level restore; throws when a name or the time breaks a rule.
 *
 * @since 0.1.0
 */
export const collection = (options: {
  readonly oldName: string
  readonly newName?: string | undefined
  readonly at: TimeInput
}): CollectionRestore =>
  options.newName === undefined
    ? { oldName: CollectionName.make(options.oldName), at: RestorePoint.make(options.at) }
    : {
      oldName: CollectionName.make(options.oldName),
      newName: CollectionName.make(options.newName),
      at: RestorePoint.make(options.at)
    }

/**
 * A collection-level restore of some collections of one database; throws when the name breaks a
 * rule or the list is empty.
 *
 * @since 0.1.0
 */
export const collections = (
  name: string,
  collections: readonly [CollectionRestore, ...Array<CollectionRestore>]
): CollectionsRestore => {
  if (collections.length === 0) throw new Error(`a collection-level restore of ${quote(name)} needs at least one collection`)
  return { _tag: "CollectionsRestore", database: DatabaseName.make(name), collections }
}

/**
 * A plan from its entries, in order; check it with `validate`.
 *
 * @since 0.1.0
 */
export const make = (entries: ReadonlyArray<Entry>): RestorePlan => ({ entries })
