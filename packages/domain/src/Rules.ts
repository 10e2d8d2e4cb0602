/**
 * The rules a plan must follow across its entries, each stated as a function named after the
 * sentence that states it. They run on a plan whose fields are already valid, and every broken
 * rule is reported, each issue with its path into the wire body.
 *
 * @since 0.1.0
 */
import { quote } from "./internal/show.js"
import * as Namespace from "./Namespace.js"
import { formatPath, type Issue, type Path } from "./PlanError.js"
import type { CollectionRestore, RestorePlan } from "./RestorePlan.js"
import type * as RestorePoint from "./RestorePoint.js"

/**
 * What the rules need to know of the world: `now` (epoch ms) and, when known, the restorable
 * windows (epoch ms, both ends included).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly now?: number | undefined
  readonly windows?: ReadonlyArray<{ readonly start: number; readonly end: number }> | undefined
}

/**
 * A rule: the issues it finds in a plan.
 *
 * @since 0.1.0
 */
export type Rule = (plan: RestorePlan, options: Options) => ReadonlyArray<Issue>

const entryPath = (i: number): Path => ["restore_collections", i]
const collectionPath = (i: number, j: number): Path => ["restore_collections", i, "collections", j]

// Where a collection is in the plan: restore_collections[i].collections[j].
interface Located {
  readonly i: number
  readonly j: number
}

// Calls `f` on every collection, with its database and where it is, in plan order.
const forEachCollection = (
  plan: RestorePlan,
  f: (database: string, collection: CollectionRestore, i: number, j: number) => void
): void => {
  plan.entries.forEach((entry, i) => {
    if (entry._tag !== "CollectionsRestore") return
    entry.collections.forEach((collection, j) => f(entry.database, collection, i, j))
  })
}

// A map per database, made on first use.
const perDatabase = <V>() => {
  const maps = new Map<string, Map<string, V>>()
  return (database: string): Map<string, V> => {
    let map = maps.get(database)
    if (map === undefined) maps.set(database, map = new Map())
    return map
  }
}

/**
 * One time of a plan and where it is: `restore_database_time` of a database-level entry or
 * `restore_collection_time` of a collection.
 *
 * @since 0.1.0
 */
export interface Time {
  readonly at: RestorePoint.RestorePoint
  readonly path: Path
}

/**
 * Every time of a plan with its path, in plan order.
 *
 * @since 0.1.0
 */
export const times = (plan: RestorePlan): ReadonlyArray<Time> =>
  plan.entries.flatMap((entry, i): ReadonlyArray<Time> =>
    entry._tag === "DatabaseRestore"
      ? [{ at: entry.at, path: [...entryPath(i), "restore_database_time"] }]
      : entry.collections.map(({ at }, j) => ({ at, path: [...collectionPath(i, j), "restore_collection_time"] }))
  )

// `now` and the windows come from the caller unchecked: a number out of Date's range must not throw.
const iso = (millis: number): string =>
  Number.isFinite(millis) && Math.abs(millis) <= 8.64e15 ? new Date(millis).toISOString() : String(millis)

const where = (located: Located): string => formatPath(collectionPath(located.i, located.j))

/**
 * The plan is not empty.
 *
 * @since 0.1.0
 */
export const planIsNotEmpty: Rule = (plan) =>
  plan.entries.length > 0
    ? []
    : [{ path: ["restore_collections"], message: "the plan restores nothing: add a database or a collection to restore" }]

/**
 * No database appears twice.
 *
 * @since 0.1.0
 */
export const noDatabaseAppearsTwice: Rule = (plan) => {
  const issues: Array<Issue> = []
  const first = new Map<string, number>()
  plan.entries.forEach((entry, i) => {
    const earlier = first.get(entry.database)
    if (earlier === undefined) {
      first.set(entry.database, i)
      return
    }
    issues.push({
      path: [...entryPath(i), "database"],
      message: `database ${quote(entry.database)} already appears in ${formatPath(entryPath(earlier))}: restore it in one entry`
    })
  })
  return issues
}

/**
 * No collection is restored twice in one database.
 *
 * @since 0.1.0
 */
export const noCollectionIsRestoredTwice: Rule = (plan) => {
  const issues: Array<Issue> = []
  const firstByOldName = perDatabase<Located>()
  forEachCollection(plan, (database, collection, i, j) => {
    const first = firstByOldName(database)
    const earlier = first.get(collection.oldName)
    if (earlier === undefined) {
      first.set(collection.oldName, { i, j })
      return
    }
    issues.push({
      path: [...collectionPath(i, j), "old_name"],
      message: `collection ${quote(collection.oldName)} of database ${quote(database)} is already restored by ${where(earlier)}: restore it once`
    })
  })
  return issues
}

/**
 * No two collections get the same new name.
 *
 * @since 0.1.0
 */
export const noTwoCollectionsGetTheSameNewName: Rule = (plan) => {
  const issues: Array<Issue> = []
  const firstByNewName = perDatabase<Located>()
  forEachCollection(plan, (database, collection, i, j) => {
    const newName = collection.newName
    if (newName === undefined) return
    const first = firstByNewName(database)
    const earlier = first.get(newName)
    if (earlier === undefined) {
      first.set(newName, { i, j })
      return
    }
    issues.push({
      path: [...collectionPath(i, j), "new_name"],
      message: `new name ${quote(newName)} in database ${quote(database)} is already given to ${where(earlier)}: choose another name`
    })
  })
  return issues
}

/**
 * A new name does not equal another old name of the same database (the service never overwrites
 * a collection, and that one exists).
 *
 * @since 0.1.0
 */
export const aNewNameIsNotAnotherOldName: Rule = (plan) => {
  const issues: Array<Issue> = []
  const firstByOldName = perDatabase<Located>()
  forEachCollection(plan, (database, collection, i, j) => {
    const first = firstByOldName(database)
    if (!first.has(collection.oldName)) first.set(collection.oldName, { i, j })
  })
  forEachCollection(plan, (database, collection, i, j) => {
    const newName = collection.newName
    if (newName === undefined || newName === collection.oldName) return
    const other = firstByOldName(database).get(newName)
    if (other === undefined) return
    issues.push({
      path: [...collectionPath(i, j), "new_name"],
      message:
        `new name ${quote(newName)} is the name of another collection of database ${quote(database)} that this plan restores (${where(other)}), and the service never overwrites a collection: choose another name`
    })
  })
  return issues
}

/**
 * `<database>.<final name>` is at most 120 bytes in UTF-8, the final name of a collection without
 * a new name being `<old name>_bak_<13-digit ms>`.
 *
 * @since 0.1.0
 */
export const theRestoredNamespaceFitsInTheLimit: Rule = (plan) => {
  const issues: Array<Issue> = []
  plan.entries.forEach((entry, i) => {
    if (entry._tag !== "CollectionsRestore") return
    const databaseBytes = Namespace.byteLength(entry.database)
    entry.collections.forEach((c, j) => {
      const nameBytes = c.newName === undefined
        ? Namespace.defaultRestoredNameLength(c.oldName)
        : Namespace.byteLength(c.newName)
      const bytes = databaseBytes + 1 + nameBytes
      if (bytes <= Namespace.MAX_LENGTH) return
      const size = `${bytes} bytes; at most ${Namespace.MAX_LENGTH} (MongoDB counts UTF-8 bytes)`
      issues.push(
        c.newName === undefined
          ? {
            path: [...collectionPath(i, j), "old_name"],
            message:
              `without a new_name the service restores ${quote(c.oldName)} as ${quote(`${c.oldName}_bak_<13-digit ms>`)}, so ${quote(`${entry.database}.${c.oldName}_bak_<ms>`)} would be ${size}: give a shorter new_name`
          }
          : {
            path: [...collectionPath(i, j), "new_name"],
            message:
              `${quote(Namespace.make(entry.database, c.newName))} would be ${size}: choose a shorter new_name`
          }
      )
    })
  })
  return issues
}

/**
 * No time is later than now.
 *
 * @since 0.1.0
 */
export const noTimeIsInTheFuture: Rule = (plan, options) => {
  const now = options.now
  if (now === undefined) return []
  return times(plan).filter(({ at }) => at > now).map(({ at, path }) => ({
      path,
      message: `${iso(at)} (${at}) is later than now (${iso(now)}): a restore point must be in the past`
    }))
}

/**
 * When the restorable windows are known, every time falls inside one (the issue names the
 * nearest window).
 *
 * @since 0.1.0
 */
export const everyTimeIsInsideARestorableWindow: Rule = (plan, options) => {
  const windows = options.windows
  if (windows === undefined) return []
  const isInside = (at: number) => windows.some((window) => window.start <= at && at <= window.end)
  return times(plan).filter(({ at }) => !isInside(at)).map(({ at, path }) => {
    let nearest: { readonly start: number; readonly end: number } | undefined
    let distance = Infinity
    for (const window of windows) {
      const d = at < window.start ? window.start - at : at - window.end
      if (d < distance) {
        distance = d
        nearest = window
      }
    }
    const time = `${iso(at)} (${at})`
    return {
      path,
      message: nearest === undefined
        ? `${time} cannot be restored: there is no restorable window`
        : `${time} is outside every restorable window; the nearest is ${iso(nearest.start)} to ${iso(nearest.end)} (${nearest.start} to ${nearest.end})`
    }
  })
}

/**
 * Every rule, in the order their issues are reported.
 *
 * @since 0.1.0
 */
export const all: ReadonlyArray<Rule> = [
  planIsNotEmpty,
  noDatabaseAppearsTwice,
  noCollectionIsRestoredTwice,
  noTwoCollectionsGetTheSameNewName,
  aNewNameIsNotAnotherOldName,
  theRestoredNamespaceFitsInTheLimit,
  noTimeIsInTheFuture,
  everyTimeIsInsideARestorableWindow
]

/**
 * Every issue every rule finds in a plan.
 *
 * @since 0.1.0
 */
export const check = (plan: RestorePlan, options: Options): ReadonlyArray<Issue> => all.flatMap((rule) => rule(plan, options))
