// The calls that only read: restorable windows, databases and collections, the instance, its
// backup policy, one job and the task list. Each answers from the state at one instant.
import type { DdsRequest } from "@dds-restore/client"
import { RestorePoint, ServiceTime, Wire } from "@dds-restore/domain"
import * as Either from "effect/Either"
import type * as Seed from "../Seed.js"
import { type Answer, error, instanceNotFound, json, parameterError } from "./respond.js"
import { queryParam, type Route } from "./routes.js"
import * as S from "./state.js"

/** What a read needs: the state, the instant, the call and the request. */
export interface Read {
  readonly state: S.State
  readonly now: number
  readonly route: Route
  readonly request: DdsRequest.DdsRequest
  readonly busyWhileRestoring: boolean
  readonly taskOrder: TaskOrder
}

/** The order of the task list. */
export type TaskOrder = "newest-first" | "oldest-first" | "shuffled"

// FNV-1a: a stable, well-spread number for a text, to shuffle by.
const fnv1a = (text: string, seed = 0x811c9dc5): number => {
  let hash = seed
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

// Shuffled anew whenever the listing's tasks change, the same for every page of one listing.
const shuffled = <A extends { readonly j: { readonly id: string }; readonly index: number }>(
  rows: Array<A>,
  span: string
): Array<A> => {
  const salt = rows.reduce((hash, row) => fnv1a(row.j.id, hash), fnv1a(span))
  const place = new Map(rows.map((row) => [row.j.id, fnv1a(row.j.id, salt)]))
  return rows.sort((a, b) => (place.get(a.j.id) ?? 0) - (place.get(b.j.id) ?? 0) || a.index - b.index)
}

type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly answer: Answer }

const ok = <A>(value: A): Checked<A> => ({ ok: true, value })
const refuse = <A>(answer: Answer): Checked<A> => ({ ok: false, answer })

/** The instance a call names, when it exists in the project the call names. */
export const findInstance = (read: Pick<Read, "state" | "route">): Checked<Seed.Instance> => {
  const instance = read.route.projectId === read.state.projectId
    ? read.state.instances.find((i) => i.id === read.route.instanceId)
    : undefined
  return instance === undefined ? refuse(instanceNotFound(read.route.instanceId)) : ok(instance)
}

const nonNegativeInteger = /^\d{1,9}$/

/** `offset` (0 or more, default 0) and `limit` (1 to 100, default 100), as the service pages. */
const paging = (request: DdsRequest.DdsRequest): Checked<{ readonly offset: number; readonly limit: number }> => {
  const offsetText = queryParam(request, "offset")
  const limitText = queryParam(request, "limit")
  if (offsetText !== undefined && !nonNegativeInteger.test(offsetText)) {
    return refuse(parameterError(`offset must be an integer of 0 or more, got "${offsetText}"`))
  }
  if (limitText !== undefined && (!nonNegativeInteger.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100)) {
    return refuse(parameterError(`limit must be an integer from 1 to 100, got "${limitText}"`))
  }
  return ok({
    offset: offsetText === undefined ? 0 : Number(offsetText),
    limit: limitText === undefined ? 100 : Number(limitText)
  })
}

const page = <A>(items: ReadonlyArray<A>, paged: { readonly offset: number; readonly limit: number }): ReadonlyArray<A> =>
  items.slice(paged.offset, paged.offset + paged.limit)

/** A `restore_time` query parameter: epoch ms inside one of the instance's restorable windows at `now`. */
const restoreTime = (request: DdsRequest.DdsRequest, instance: Seed.Instance, now: number): Checked<number> => {
  const text = queryParam(request, "restore_time")
  if (text === undefined) return refuse(parameterError("restore_time is required (UNIX epoch milliseconds)"))
  const point = RestorePoint.parse(text)
  if (Either.isLeft(point) || !/^\d+$/.test(text)) {
    return refuse(error(400, "DBS.280409", `Invalid restore_time "${text}": expected UNIX epoch milliseconds`))
  }
  const t = point.right
  return S.restorableAt(instance, t, now) ? ok(t) : refuse(outsideWindows("restore_time", t, instance))
}

/** The service's refusal of a time outside every restorable window, naming the time. */
export const outsideWindows = (field: string, t: number, instance: Seed.Instance): Answer =>
  parameterError(
    `${field} ${t} (${new Date(t).toISOString()}) is not within any restorable time range of instance ${instance.id}`
  )

/** `ReplicaSet` only: the restore-database and restore-collection calls serve collection restores. */
export const replicaSetOnly = (instance: Seed.Instance): Answer | undefined =>
  instance.mode === "ReplicaSet"
    ? undefined
    : error(
      400,
      "DBS.280342",
      `Invalid instance mode: instance ${instance.id} is ${instance.mode}; restoring databases and collections needs a ReplicaSet`
    )

/** `GET .../restore-time?date=YYYY-MM-DD`. */
export const restoreTimes = (read: Read): Answer => {
  const instance = findInstance(read)
  if (!instance.ok) return instance.answer
  const date = queryParam(read.request, "date") ?? ""
  const dayStart = ServiceTime.parseUtcDay(date)
  if (Either.isLeft(dayStart)) {
    return error(400, "DBS.280409", `Invalid date "${date}": expected a UTC day as YYYY-MM-DD`)
  }
  const body: typeof Wire.RestoreTimeResponse.Encoded = {
    restore_time: S.windowsOfDay(instance.value, dayStart.right, read.now).map((w) => ({ start_time: w.start, end_time: w.end }))
  }
  return json(200, body)
}

/** `GET .../restore-database?restore_time=&offset=&limit=`. */
export const restoreDatabases = (read: Read): Answer => {
  const instance = findInstance(read)
  if (!instance.ok) return instance.answer
  const mode = replicaSetOnly(instance.value)
  if (mode !== undefined) return mode
  const t = restoreTime(read.request, instance.value, read.now)
  if (!t.ok) return t.answer
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const names = S.databasesAt(read.state, instance.value, t.value)
  const body: typeof Wire.RestoreDatabasesResponse.Encoded = { databases: page(names, paged.value), total_count: names.length }
  return json(200, body)
}

/** `GET .../restore-collection?db_name=&restore_time=&offset=&limit=`. */
export const restoreCollections = (read: Read): Answer => {
  const instance = findInstance(read)
  if (!instance.ok) return instance.answer
  const mode = replicaSetOnly(instance.value)
  if (mode !== undefined) return mode
  const database = queryParam(read.request, "db_name")
  if (database === undefined || database === "") return parameterError("db_name is required")
  const t = restoreTime(read.request, instance.value, read.now)
  if (!t.ok) return t.answer
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const names = S.collectionsAt(read.state, instance.value, database, t.value)
  const body: typeof Wire.RestoreCollectionsResponse.Encoded = {
    collections: page(names, paged.value),
    total_count: names.length
  }
  return json(200, body)
}

// Every instance of the fake is of the community edition.
const DATASTORE_TYPE = "DDS-Community"

const instanceJson = (read: Read, instance: Seed.Instance): typeof Wire.Instance.Encoded => ({
  id: instance.id,
  name: instance.name,
  status: instance.status,
  mode: instance.mode,
  datastore: { type: DATASTORE_TYPE, version: instance.version, whole_version: `${instance.version}.0` },
  actions: S.actionsAt(read.state, instance, read.now, read.busyWhileRestoring),
  port: "8635",
  engine: "wiredTiger",
  time_zone: ""
})

// `name` starting with `*` matches every name holding the rest, as the SDKs document; any other
// name matches exactly.
const nameMatches = (pattern: string | undefined, name: string): boolean =>
  pattern === undefined || (pattern.startsWith("*") ? name.includes(pattern.slice(1)) : name === pattern)

/**
 * `GET /v3/{project_id}/instances?id=&name=&mode=&datastore_type=&offset=&limit=`: an unknown id
 * lists nothing; a name starting with `*` is a fuzzy match.
 */
export const instances = (read: Read): Answer => {
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const id = queryParam(read.request, "id")
  const name = queryParam(read.request, "name")
  const mode = queryParam(read.request, "mode")
  const datastoreType = queryParam(read.request, "datastore_type")
  if (name === "*") return parameterError(`name "*" alone is reserved: give the name, or * followed by a part of it`)
  const found = read.route.projectId === read.state.projectId
    ? read.state.instances.filter((i) =>
      (id === undefined || i.id === id) && nameMatches(name, i.name) && (mode === undefined || i.mode === mode) &&
      (datastoreType === undefined || datastoreType === DATASTORE_TYPE)
    )
    : []
  const body: typeof Wire.InstancesResponse.Encoded = {
    instances: page(found, paged.value).map((i) => instanceJson(read, i)),
    total_count: found.length
  }
  return json(200, body)
}

/** `GET .../backups/policy`. */
export const backupPolicy = (read: Read): Answer => {
  const instance = findInstance(read)
  if (!instance.ok) return instance.answer
  const policy = instance.value.backupPolicy
  const body: typeof Wire.BackupPolicyResponse.Encoded = {
    backup_policy: {
      keep_days: policy.keepDays,
      start_time: policy.startTime,
      period: policy.period,
      enable_incremental_backup: policy.incrementalBackup
    }
  }
  return json(200, body)
}

const visibleJobs = (read: Read): ReadonlyArray<S.JobRecord> =>
  read.route.projectId === read.state.projectId ? read.state.jobs.filter((j) => read.now >= j.visibleAt) : []

// The API reference has no code of its own for an unknown job (DBS.200002 is an unknown instance):
// its code for a resource not found.
const jobNotFound = (id: string): Answer => error(404, "DBS.280016", `Resource not found: there is no job ${id}`)

/** `GET /v3/{project_id}/jobs?id=`: 404 until the job becomes visible, as the service does just after a submit. */
export const job = (read: Read): Answer => {
  const id = queryParam(read.request, "id")
  if (id === undefined || id === "") return parameterError("id is required")
  const found = visibleJobs(read).find((j) => j.id === id)
  if (found === undefined) return jobNotFound(id)
  const at = S.phase(found, read.now)
  const body: typeof Wire.JobResponse.Encoded = {
    job: {
      id: found.id,
      name: Wire.RESTORE_TASK_NAME,
      status: S.statusOf(at),
      created: ServiceTime.formatTaskTime(found.createdAt),
      ended: at._tag === "Completed" || at._tag === "Failed" ? ServiceTime.formatTaskTime(at.endedAt) : "",
      ...(at._tag === "Running" ? { progress: `${at.progress}%` } : {}),
      instance: { id: found.instanceId, name: found.instanceName },
      fail_reason: at._tag === "Failed" ? at.reason : null
    }
  }
  return json(200, body)
}

/**
 * `GET /v3.1/{project_id}/jobs?start_time=&end_time=&name=&status=&id=&offset=&limit=`, in the
 * fake's task order. The bounds are instants in any zone (`Z` or `±hhmm`), compared as instants.
 */
export const tasks = (read: Read): Answer => {
  const startText = queryParam(read.request, "start_time")
  const endText = queryParam(read.request, "end_time")
  if (startText === undefined || endText === undefined) {
    return parameterError("start_time and end_time are required (yyyy-mm-ddThh:mm:ss and a zone offset, e.g. +0000)")
  }
  const start = ServiceTime.parseTaskTime(startText)
  const end = ServiceTime.parseTaskTime(endText)
  if (Either.isLeft(start) || Either.isLeft(end)) {
    const reasons = [start, end].flatMap((bound) => (Either.isLeft(bound) ? [bound.left] : []))
    return error(400, "DBS.280409", `Invalid time format: ${reasons.join("; ")}`)
  }
  if (end.right < start.right) return parameterError(`end_time ${endText} is before start_time ${startText}`)
  if (end.right - start.right > Wire.MAX_TASK_SPAN_MILLIS) {
    return parameterError(`the span from start_time to end_time exceeds 30 days`)
  }
  const status = queryParam(read.request, "status")
  if (status !== undefined && status !== "Running" && status !== "Completed" && status !== "Failed") {
    return parameterError(`status must be Running, Completed or Failed, got "${status}"`)
  }
  const name = queryParam(read.request, "name")
  const id = queryParam(read.request, "id")
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const matching = visibleJobs(read)
    .map((j, index) => ({ j, index, at: S.phase(j, read.now) }))
    .filter(({ at, j }) =>
      j.createdAt >= start.right && j.createdAt <= end.right &&
      (name === undefined || name === Wire.RESTORE_TASK_NAME) &&
      (id === undefined || id === j.id) &&
      (status === undefined || S.statusOf(at) === status)
    )
  const rows = read.taskOrder === "shuffled"
    ? shuffled(matching, `${startText}/${endText}`)
    : matching.sort(
      read.taskOrder === "oldest-first"
        ? (a, b) => a.j.createdAt - b.j.createdAt || a.index - b.index
        : (a, b) => b.j.createdAt - a.j.createdAt || b.index - a.index
    )
  const body: typeof Wire.TaskListResponse.Encoded = {
    jobs: page(rows, paged.value).map(({ at, j }) => ({
      id: j.id,
      name: Wire.RESTORE_TASK_NAME,
      instance_id: j.instanceId,
      instance_name: j.instanceName,
      status: S.statusOf(at),
      progress: at._tag === "Running" ? `${at.progress}%` : "",
      fail_reason: at._tag === "Failed" ? at.reason : null,
      created_at: ServiceTime.formatTaskTime(j.createdAt),
      ended_at: at._tag === "Completed" || at._tag === "Failed" ? ServiceTime.formatTaskTime(at.endedAt) : ""
    })),
    total_count: rows.length
  }
  return json(200, body)
}
