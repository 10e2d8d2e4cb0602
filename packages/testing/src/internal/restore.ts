// The restore call: the checks the service makes before it accepts a restore (in its order:
// instance, body, mode, state, backup policy, names, times, name collisions), and the job it
// starts, whose outcome is decided now from what existed at each restore time.
import { JsonText } from "@dds-restore/client"
import { CollectionName, DatabaseName, Namespace, Wire } from "@dds-restore/domain"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Seed from "../Seed.js"
import { findInstance, outsideWindows, type Read, replicaSetOnly } from "./reads.js"
import { type Answer, error, json, parameterError } from "./respond.js"
import * as S from "./state.js"

/** The timeline of a new job: when it becomes visible and when it ends, after its creation. */
export interface Timing {
  readonly visibleAfter: number
  readonly duration: number
}

/** A restore the service accepts: given its job id, the answer and the next state. */
export type Submission =
  | { readonly _tag: "Refused"; readonly answer: Answer }
  | { readonly _tag: "Accepted"; readonly accept: (jobId: string) => readonly [Answer, S.State] }

const decodeBody = Schema.decodeUnknownEither(Wire.RestoreRequestBody)

const describeIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`))
    .join("; ")

/** A collection the job will restore, before the job's outcome is known. */
interface Target {
  readonly database: string
  readonly source: string
  readonly name: string
  readonly time: number
}

/** What one database entry asks for, once its names and times are checked. */
type Entry =
  | { readonly _tag: "Database"; readonly database: string; readonly time: number }
  | { readonly _tag: "Collections"; readonly targets: ReadonlyArray<Target> }

const invalidName = (kind: string, name: string, reason: string): Answer =>
  error(400, "DBS.239020", `Invalid ${kind} name "${name}": ${reason}`)

const checkEntry = (
  entry: Wire.RestoreDatabaseBody,
  index: number,
  instance: Seed.Instance,
  now: number
): Either.Either<Entry, Answer> => {
  const database = DatabaseName.parse(entry.database)
  if (Either.isLeft(database)) return Either.left(invalidName("database", entry.database, database.left))
  const collections = entry.collections ?? []
  if (collections.length === 0) {
    const time = entry.restore_database_time
    if (time === undefined) {
      return Either.left(parameterError(
        `restore_collections.${index}.restore_database_time is required for a database-level restore of ${entry.database}`
      ))
    }
    if (!S.restorableAt(instance, time, now)) {
      return Either.left(outsideWindows(`restore_collections.${index}.restore_database_time`, time, instance))
    }
    return Either.right({ _tag: "Database", database: entry.database, time })
  }
  const targets: Array<Target> = []
  for (const [j, c] of collections.entries()) {
    const old = CollectionName.parse(c.old_name)
    if (Either.isLeft(old)) return Either.left(invalidName("collection", c.old_name, old.left))
    if (c.new_name !== undefined) {
      const renamed = CollectionName.parse(c.new_name)
      if (Either.isLeft(renamed)) return Either.left(invalidName("collection", c.new_name, renamed.left))
    }
    const time = c.restore_collection_time
    if (!S.restorableAt(instance, time, now)) {
      return Either.left(
        outsideWindows(`restore_collections.${index}.collections.${j}.restore_collection_time`, time, instance)
      )
    }
    targets.push({
      database: entry.database,
      source: c.old_name,
      name: c.new_name ?? Namespace.defaultRestoredName(c.old_name, time),
      time
    })
  }
  return Either.right({ _tag: "Collections", targets })
}

/**
 * The collections a database-level restore brings back (each as `<coll>_bak_<ms>`), or undefined
 * when the database did not exist at that time.
 */
const databaseTargets = (
  state: S.State,
  instance: Seed.Instance,
  database: string,
  time: number
): ReadonlyArray<Target> | undefined =>
  S.databaseExistsAt(state, instance, database, time)
    ? S.collectionsAt(state, instance, database, time).map((source) => ({
      database,
      source,
      name: Namespace.defaultRestoredName(source, time),
      time
    }))
    : undefined

/** Checks a restore request and, when the service would accept it, says how its job goes. */
export const submit = (read: Read, timing: Timing): Submission => {
  const refused = (answer: Answer): Submission => ({ _tag: "Refused", answer })
  const found = findInstance(read)
  if (!found.ok) return refused(found.answer)
  const instance = found.value

  // The gateway reads the body as JSON only when it is sent as JSON.
  const contentType = read.request.headers["content-type"]
  if (contentType === undefined || !/^application\/json\s*(;|$)/i.test(contentType)) {
    const sent = contentType === undefined ? "no content-type" : JSON.stringify(contentType.slice(0, 60))
    return refused(parameterError(`the request body must be sent as application/json, not ${sent}`))
  }
  // Bounded in depth: a body of thousands of nested arrays would overflow the formatting of the
  // schema's error below, a 500 where the service answers 400.
  const parsed = JsonText.parse(read.request.body)
  if (Either.isLeft(parsed)) return refused(parameterError(`the request body is ${parsed.left}`))
  const body = decodeBody(parsed.right)
  if (Either.isLeft(body)) return refused(parameterError(describeIssues(body.left)))

  const mode = replicaSetOnly(instance)
  if (mode !== undefined) return refused(mode)
  const actions = S.actionsAt(read.state, instance, read.now, read.busyWhileRestoring)
  if (instance.status !== "normal" || actions.length > 0) {
    return refused(error(
      403,
      "DBS.201014",
      `The instance ${instance.id} is busy: status ${instance.status}` +
        (actions.length > 0 ? `, running ${actions.join(", ")}` : "") +
        ". Try again when it is normal with no operation running"
    ))
  }
  if (!instance.backupPolicy.incrementalBackup) {
    return refused(error(
      400,
      "DBS.280343",
      `Unsupported operation: incremental backup is not enabled on instance ${instance.id}; enable it in the backup policy`
    ))
  }
  if (body.right.restore_collections.length === 0) {
    return refused(parameterError("restore_collections must hold at least one database"))
  }

  const entries: Array<Entry> = []
  for (const [i, entry] of body.right.restore_collections.entries()) {
    const checked = checkEntry(entry, i, instance, read.now)
    if (Either.isLeft(checked)) return refused(checked.left)
    entries.push(checked.right)
  }

  // A database-level restore of a database that did not exist is accepted and fails late.
  let missing: string | undefined
  const targets: Array<Target> = []
  for (const entry of entries) {
    if (entry._tag === "Collections") {
      targets.push(...entry.targets)
      continue
    }
    const restored = databaseTargets(read.state, instance, entry.database, entry.time)
    if (restored === undefined) {
      missing ??= `database ${entry.database} did not exist at ${entry.time} (${new Date(entry.time).toISOString()})`
    } else {
      targets.push(...restored)
    }
  }

  const taken = new Set<string>()
  for (const pending of S.pendingNames(read.state, instance.id, read.now)) taken.add(`${pending.database}.${pending.name}`)
  for (const target of targets) {
    const namespace = `${target.database}.${target.name}`
    if (taken.has(namespace) || S.collectionsAt(read.state, instance, target.database, read.now).includes(target.name)) {
      return refused(parameterError(`the restored collection name ${namespace} already exists: give another new_name`))
    }
    taken.add(namespace)
  }

  const [reason, failNext] = read.state.failNext.length > 0
    ? [read.state.failNext[0], read.state.failNext.slice(1)]
    : [instance.restoreFailure ?? missing ?? tooLong(targets), read.state.failNext]

  return {
    _tag: "Accepted",
    accept: (jobId) => {
      const job: S.JobRecord = {
        id: jobId,
        instanceId: instance.id,
        instanceName: instance.name,
        createdAt: read.now,
        visibleAt: read.now + timing.visibleAfter,
        endsAt: read.now + Math.max(timing.duration, timing.visibleAfter + 1),
        outcome: reason === undefined
          ? { _tag: "Completed", restored: targets }
          : { _tag: "Failed", reason }
      }
      const answer: typeof Wire.RestoreResponse.Encoded = { job_id: jobId }
      return [json(200, answer), { ...read.state, jobs: [...read.state.jobs, job], failNext }] as const
    }
  }
}

const tooLong = (targets: ReadonlyArray<Target>): string | undefined => {
  const target = targets.find((t) => Namespace.byteLength(Namespace.make(t.database, t.name)) > Namespace.MAX_LENGTH)
  if (target === undefined) return undefined
  const namespace = Namespace.make(target.database, target.name)
  return `namespace ${namespace} is ${Namespace.byteLength(namespace)} bytes long; MongoDB allows at most ${Namespace.MAX_LENGTH}`
}
