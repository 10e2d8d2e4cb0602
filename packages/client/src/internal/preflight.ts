/**
 * The preflight of a plan on an instance: the reads it needs, each made once (a day's windows, the
 * databases at a time, the collections of a database at a time), run concurrently under a bound,
 * and every problem they show, in one report.
 */
import { Namespace, type PlanError, type RestorePlan, Rules, ServiceTime, type Wire } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import type { CallError, InvalidArgument } from "../CallError.js"
import * as Preflight from "../Preflight.js"
import type { Reads } from "./reads.js"

// The restore-time call is asked about UTC days.
const dayOf = ServiceTime.formatUtcDay
const DAY_MILLIS = ServiceTime.DAY_MILLIS

const iso = (millis: number): string => `${new Date(millis).toISOString()} (${millis})`

// The rules about time are judged against the service's windows below; the others say what is
// wrong with the plan itself.
const planRules = Rules.all.filter((rule) =>
  rule !== Rules.noTimeIsInTheFuture && rule !== Rules.everyTimeIsInsideARestorableWindow
)

const planProblems = (plan: RestorePlan.RestorePlan): ReadonlyArray<Preflight.Problem> =>
  planRules.flatMap((rule) =>
    rule(plan, {}).map((issue): Preflight.Problem =>
      rule === Rules.theRestoredNamespaceFitsInTheLimit
        ? {
          kind: "NamespaceTooLong",
          path: issue.path,
          message: issue.message,
          hint: "MongoDB refuses longer namespaces and the job would fail after copying the data: give a shorter new_name"
        }
        : { kind: "InvalidPlan", path: issue.path, message: issue.message, hint: "Correct the plan as the message says" }
    )
  )

const instanceProblems = (instance: Wire.Instance): ReadonlyArray<Preflight.Problem> => {
  const problems: Array<Preflight.Problem> = []
  if (instance.mode !== "ReplicaSet") {
    problems.push({
      kind: "NotReplicaSet",
      path: [],
      message: `instance ${instance.name} (${instance.id}) is a ${instance.mode} instance, and databases and collections are restored to a point in time on replica sets only`,
      hint: "Restore to a replica set instance, or restore this one from a backup instead"
    })
  }
  if (instance.status !== "normal" || instance.actions.length > 0) {
    const running = instance.actions.length > 0 ? `, running ${instance.actions.join(", ")}` : ""
    problems.push({
      kind: "InstanceBusy",
      path: [],
      message: `instance ${instance.name} (${instance.id}) is ${instance.status}${running}, and the service refuses a restore until it is normal and idle`,
      hint: "Wait until the instance is normal with no operation running, then try again"
    })
  }
  return problems
}

// Reading order: the plan's paths in order, the kinds of one path in the order they were found.
const comparePaths = (a: PlanError.Path, b: PlanError.Path): number => {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k]
    const y = b[k]
    if (x === y) continue
    if (typeof x === "number" && typeof y === "number") return x - y
    return String(x) < String(y) ? -1 : 1
  }
  return a.length - b.length
}

/**
 * Every problem of `plan` on `instanceId`, judged at `now` (epoch ms), `concurrency` reads at once
 * (checked by the caller, `Arguments.preflightConcurrency`, before anything else is done).
 */
export const run = (
  reads: Reads,
  instanceId: string,
  plan: RestorePlan.RestorePlan,
  now: number,
  concurrency: number
): Effect.Effect<Preflight.PreflightReport, CallError | InvalidArgument> =>
  Effect.gen(function*() {
    // One bound over every read of this preflight, however they are grouped.
    const permits = yield* Effect.makeSemaphore(concurrency)
    const bounded = permits.withPermits(1)
    const found: Array<Preflight.Problem> = [...planProblems(plan)]
    const inOrder = () => found.sort((a, b) => comparePaths(a.path, b.path))
    const instance = yield* reads.instance(instanceId).pipe(
      Effect.catchTag("InstanceNotFound", () => Effect.succeed(undefined))
    )
    // Every other read names the instance too: without it there is nothing more to learn.
    if (instance === undefined) {
      return Preflight.report(instanceId, [{
        kind: "InstanceNotFound",
        path: [],
        message: `there is no instance ${instanceId} in this project and region`,
        hint: "Check the instance id, and that the project id and the endpoint (region) are the instance's"
      }, ...inOrder()])
    }
    const problems: Array<Preflight.Problem> = [...instanceProblems(instance)]
    const times = Rules.times(plan)

    // A day's windows are read once, with the policy; today's give the latest restorable time.
    const windowsByDay = new Map<string, ReadonlyArray<Wire.RestoreWindow>>()
    const today = dayOf(now)
    // A day after today has no restorable time yet, and is not asked about.
    const readDays = (days: ReadonlyArray<string>) =>
      Effect.forEach(
        new Set(days.filter((day) => !windowsByDay.has(day))),
        (day) =>
          day > today
            ? Effect.sync(() => void windowsByDay.set(day, []))
            : Effect.map(bounded(reads.windows(instanceId, day)), (windows) => void windowsByDay.set(day, windows)),
        { concurrency: "unbounded", discard: true }
      )
    const [policy] = yield* Effect.all(
      [bounded(reads.backupPolicy(instanceId)), readDays([today, ...times.map((t) => dayOf(t.at))])],
      { concurrency: "unbounded" }
    )
    if (!policy.enable_incremental_backup) {
      problems.push({
        kind: "IncrementalBackupOff",
        path: [],
        message: `incremental backup is off on instance ${instance.name} (${instance.id}), so it has no point in time to restore to`,
        hint: "Turn incremental backup on in the instance's backup policy; the times after that become restorable"
      })
      return Preflight.report(instanceId, [...problems, ...inOrder()])
    }

    const known = () => [...windowsByDay.values()].flat()
    const isInside = (at: number) => known().some((w) => w.start_time <= at && at <= w.end_time)
    // The nearest window of a time outside may be on the day before or after its own.
    yield* readDays([
      ...times.filter((t) => !isInside(t.at)).flatMap((t) => [dayOf(t.at - DAY_MILLIS), dayOf(t.at + DAY_MILLIS)]),
      ...((windowsByDay.get(today) ?? []).length === 0 ? [dayOf(now - DAY_MILLIS)] : [])
    ])
    const windows = known().map((w) => ({ start: w.start_time, end: w.end_time }))
    for (const issue of Rules.everyTimeIsInsideARestorableWindow(plan, { windows })) {
      found.push({
        kind: "OutsideWindow",
        path: issue.path,
        message: issue.message,
        hint: "Choose a time inside a restorable window (RestoreClient.restorableTimes lists a day's windows)"
      })
    }

    // The restore-database and restore-collection reads answer for replica sets and for times
    // inside a window only.
    if (instance.mode === "ReplicaSet") {
      const latest = windows.reduce<number | undefined>((max, w) => (max === undefined || w.end > max ? w.end : max), undefined)
      found.push(...yield* existence(reads, instanceId, plan, { isInside, latest, bounded }))
    }
    return Preflight.report(instanceId, [...problems, ...inOrder()])
  })

/** The databases and collections missing at their time, and the restored names already taken. */
const existence = (
  reads: Reads,
  instanceId: string,
  plan: RestorePlan.RestorePlan,
  context: {
    readonly isInside: (at: number) => boolean
    readonly latest: number | undefined
    readonly bounded: <A, E>(read: Effect.Effect<A, E>) => Effect.Effect<A, E>
  }
): Effect.Effect<ReadonlyArray<Preflight.Problem>, CallError> =>
  Effect.gen(function*() {
    const { bounded, isInside, latest } = context
    // Each (database, time) pair is read once, whatever number of entries need it.
    const databasesAt = new Map<number, ReadonlyArray<string>>()
    const collectionsAt = new Map<string, ReadonlyArray<string>>()
    const key = (database: string, at: number) => `${at}/${database}`
    const databaseReads = new Set<number>()
    const collectionReads = new Map<string, readonly [string, number]>()
    for (const entry of plan.entries) {
      if (entry._tag === "DatabaseRestore") {
        if (isInside(entry.at)) databaseReads.add(entry.at)
        continue
      }
      for (const c of entry.collections) {
        if (isInside(c.at)) collectionReads.set(key(entry.database, c.at), [entry.database, c.at])
      }
      if (latest !== undefined) collectionReads.set(key(entry.database, latest), [entry.database, latest])
    }
    yield* Effect.all(
      [
        Effect.forEach(
          databaseReads,
          (at) => Effect.map(bounded(reads.databases(instanceId, at)), (names) => void databasesAt.set(at, names)),
          { concurrency: "unbounded", discard: true }
        ),
        Effect.forEach(
          collectionReads,
          ([k, [database, at]]) =>
            Effect.map(bounded(reads.collections(instanceId, database, at)), (names) => void collectionsAt.set(k, names)),
          { concurrency: "unbounded", discard: true }
        )
      ],
      { concurrency: "unbounded", discard: true }
    )

    const problems: Array<Preflight.Problem> = []
    plan.entries.forEach((entry, i) => {
      if (entry._tag === "DatabaseRestore") {
        const there = databasesAt.get(entry.at)
        if (there !== undefined && !there.includes(entry.database)) {
          problems.push({
            kind: "NotExisting",
            path: ["restore_collections", i, "database"],
            message: `database "${entry.database}" did not exist at ${iso(entry.at)}: it is not among the databases restorable to that time`,
            hint: "Choose a time when the database existed (RestoreClient.restorableDatabases lists them), or check its name"
          })
        }
        return
      }
      const existing = latest === undefined ? undefined : collectionsAt.get(key(entry.database, latest))
      entry.collections.forEach((c, j) => {
        const at = collectionsAt.get(key(entry.database, c.at))
        if (at !== undefined && !at.includes(c.oldName)) {
          problems.push({
            kind: "NotExisting",
            path: ["restore_collections", i, "collections", j, "old_name"],
            message: `collection "${c.oldName}" of database "${entry.database}" did not exist at ${iso(c.at)}, and restoring it would create an empty collection`,
            hint: "Choose a time when the collection existed (RestoreClient.restorableCollections lists them), or check its name"
          })
        }
        // The service names a collection restored without a new name after the time it is restored to.
        const restoredAs = c.newName ?? Namespace.defaultRestoredName(c.oldName, c.at)
        if (existing !== undefined && latest !== undefined && existing.includes(restoredAs)) {
          problems.push({
            kind: "NameTaken",
            path: ["restore_collections", i, "collections", j, c.newName === undefined ? "old_name" : "new_name"],
            message: `collection "${restoredAs}" already exists in database "${entry.database}" (at the latest restorable time, ${iso(latest)}), and the service never overwrites a collection`,
            hint: c.newName === undefined
              ? "Give a new_name that no collection of the database has"
              : "Choose a new_name that no collection of the database has, or drop or rename the existing one first"
          })
        }
      })
    })
    return problems
  })
