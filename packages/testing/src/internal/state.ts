// The fake service's state and what follows from it at a given instant. Jobs carry their whole
// timeline (visible at, ends at, outcome) from the moment they are accepted, so a job's status,
// the collections a completed restore created and whether an instance is busy are all read off
// the clock instead of being advanced by background fibers: under TestClock, moving the clock is
// all it takes.
import { ServiceTime } from "@dds-restore/domain"
import type * as Fault from "../Fault.js"
import * as Seed from "../Seed.js"

/** The action an instance shows while a restore job runs on it. */
export const RESTORE_ACTION = "RESTORE"

/** A collection a completed restore job creates. */
export interface Restored {
  readonly database: string
  readonly name: string
  /** The collection it was restored from, and to which instant. */
  readonly source: string
  readonly time: number
}

/** How a job ends, decided when it is accepted. */
export type Outcome =
  | { readonly _tag: "Completed"; readonly restored: ReadonlyArray<Restored> }
  | { readonly _tag: "Failed"; readonly reason: string }

/** A restore job and its timeline. */
export interface JobRecord {
  readonly id: string
  readonly instanceId: string
  readonly instanceName: string
  readonly createdAt: number
  readonly visibleAt: number
  readonly endsAt: number
  readonly outcome: Outcome
}

/** An IAM token the fake issued. */
export interface TokenRecord {
  readonly token: string
  readonly user: string
  readonly expiresAt: number
  readonly revoked: boolean
}

/** A fault waiting for its next matching calls. */
export interface PendingFault {
  readonly operation: Fault.Operation | undefined
  readonly remaining: number
  readonly fault: Fault.Fault
}

/** Everything the fake remembers. */
export interface State {
  readonly projectId: string
  readonly instances: ReadonlyArray<Seed.Instance>
  readonly jobs: ReadonlyArray<JobRecord>
  readonly tokens: ReadonlyArray<TokenRecord>
  readonly faults: ReadonlyArray<PendingFault>
  readonly failNext: ReadonlyArray<string>
  readonly requests: Readonly<Record<string, number>>
  readonly iamCalls: number
  readonly requestCount: number
  /** Signed milliseconds the server's clock is ahead of the Effect Clock (gateway check only). */
  readonly clockSkew: number
}

/** A job as seen at one instant. */
export type JobPhase =
  | { readonly _tag: "Invisible" }
  | { readonly _tag: "Running"; readonly progress: number }
  | { readonly _tag: "Completed"; readonly endedAt: number }
  | { readonly _tag: "Failed"; readonly endedAt: number; readonly reason: string }

/** Where a job is at `now`: not yet visible, running with a progress (0 to 99), or ended. */
export const phase = (job: JobRecord, now: number): JobPhase => {
  if (now < job.visibleAt) return { _tag: "Invisible" }
  if (now < job.endsAt) {
    const span = job.endsAt - job.visibleAt
    return { _tag: "Running", progress: Math.min(99, Math.floor(((now - job.visibleAt) * 100) / span)) }
  }
  return job.outcome._tag === "Completed"
    ? { _tag: "Completed", endedAt: job.endsAt }
    : { _tag: "Failed", endedAt: job.endsAt, reason: job.outcome.reason }
}

/** The status the service shows for a job in this phase (an invisible job is one that runs). */
export const statusOf = (at: JobPhase): "Running" | "Completed" | "Failed" =>
  at._tag === "Invisible" ? "Running" : at._tag

/** Whether something that lives from `createdAt` (absent: always) to `droppedAt` (absent: still) exists at `t`. */
export const livesAt = (lifetime: { readonly createdAt?: number; readonly droppedAt?: number }, t: number): boolean =>
  (lifetime.createdAt === undefined || lifetime.createdAt <= t) && (lifetime.droppedAt === undefined || t < lifetime.droppedAt)

const restoredBy = (state: State, instanceId: string, t: number): ReadonlyArray<Restored> =>
  state.jobs.flatMap((job) =>
    job.instanceId === instanceId && job.outcome._tag === "Completed" && job.endsAt <= t ? job.outcome.restored : []
  )

/** The databases of an instance that existed at `t`, seeded ones first, then ones a restore created. */
export const databasesAt = (state: State, instance: Seed.Instance, t: number): ReadonlyArray<string> => {
  const names = instance.databases.filter((db) => livesAt(db, t)).map((db) => db.name)
  for (const restored of restoredBy(state, instance.id, t)) {
    if (!names.includes(restored.database)) names.push(restored.database)
  }
  return names
}

/** The collections of a database that existed at `t`, seeded ones first, then restored ones in job order. */
export const collectionsAt = (state: State, instance: Seed.Instance, database: string, t: number): ReadonlyArray<string> => {
  const seeded = instance.databases.find((db) => db.name === database && livesAt(db, t))
  const names = seeded === undefined ? [] : seeded.collections.filter((c) => livesAt(c, t)).map((c) => c.name)
  for (const restored of restoredBy(state, instance.id, t)) {
    if (restored.database === database) names.push(restored.name)
  }
  return names
}

/** Whether a database existed at `t`. */
export const databaseExistsAt = (state: State, instance: Seed.Instance, database: string, t: number): boolean =>
  databasesAt(state, instance, t).includes(database)

/** The collection names that restore jobs still running on an instance will create. */
export const pendingNames = (state: State, instanceId: string, now: number): ReadonlyArray<Restored> =>
  state.jobs.flatMap((job) =>
    job.instanceId === instanceId && job.outcome._tag === "Completed" && now < job.endsAt ? job.outcome.restored : []
  )

/** The operations running on an instance at `now`: its seeded actions, and a restore while one runs. */
export const actionsAt = (
  state: State,
  instance: Seed.Instance,
  now: number,
  busyWhileRestoring: boolean
): ReadonlyArray<string> => {
  const restoring = busyWhileRestoring &&
    state.jobs.some((job) => job.instanceId === instance.id && job.createdAt <= now && now < job.endsAt)
  return restoring ? [...instance.actions, RESTORE_ACTION] : instance.actions
}

/** A restorable range at one instant, both ends known. */
export interface Range {
  readonly start: number
  readonly end: number
}

/** The restorable windows of an instance at `now`: none without incremental backup. */
export const windowsOf = (instance: Seed.Instance, now: number): ReadonlyArray<Range> =>
  instance.backupPolicy.incrementalBackup ? Seed.windowsAt(instance.windows, now) : []

/** Whether `t` lies inside one of the instance's restorable windows at `now`. */
export const restorableAt = (instance: Seed.Instance, t: number, now: number): boolean =>
  windowsOf(instance, now).some((w) => w.start <= t && t <= w.end)

/**
 * The windows of one UTC day at `now`, clipped to that day as the service reports them (its days
 * end at 23:59:59.000, whole seconds).
 */
export const windowsOfDay = (instance: Seed.Instance, dayStart: number, now: number): ReadonlyArray<Range> => {
  const dayEnd = dayStart + ServiceTime.DAY_MILLIS - 1000
  return windowsOf(instance, now)
    .filter((w) => w.start <= dayEnd && w.end >= dayStart)
    .map((w) => ({ start: Math.max(w.start, dayStart), end: Math.min(w.end, dayEnd) }))
    .sort((a, b) => a.start - b.start)
}
