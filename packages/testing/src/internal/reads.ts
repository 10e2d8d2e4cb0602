// The calls that only read: restorable windows, databases and collections, the instance, its
// backup policy, one job and the task list. Each answers from the state at one instant.
import type { DdsRequest } from "@dds-restore/client"
import { RestorePoint, type Wire } from "@dds-restore/domain"
import * as Either from "effect/Either"
import type * as Seed from "../Seed.js"
import { type Answer, error, instanceNotFound, json, parameterError } from "./respond.js"
import { queryParam, type Route } from "./routes.js"
import * as S from "./state.js"
import { dayMillis, jobTime, parseTaskTime, parseUtcDay } from "./time.js"

/** What a read needs: the state, the instant, the call and the request. */
export interface Read {
  readonly state: S.State
  readonly now: number
  readonly route: Route
  readonly request: DdsRequest.DdsRequest
  readonly busyWhileRestoring: boolean
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

/** A `restore_time` query parameter: epoch ms inside one of the instance's restorable windows. */
const restoreTime = (request: DdsRequest.DdsRequest, instance: Seed.Instance): Checked<number> => {
  const text = queryParam(request, "restore_time")
  if (text === undefined) return refuse(parameterError("restore_time is required (UNIX epoch milliseconds)"))
  const point = RestorePoint.parse(text)
  if (Either.isLeft(point) || !/^\d+$/.test(text)) {
    return refuse(error(400, "DBS.280409", `Invalid restore_time "${text}": expected UNIX epoch milliseconds`))
  }
  const t = point.right
  return S.restorableAt(instance, t) ? ok(t) : refuse(outsideWindows("restore_time", t, instance))
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
  const date = queryParam(read.request, "date")
  const dayStart = date === undefined ? undefined : parseUtcDay(date)
  if (dayStart === undefined) {
    return error(400, "DBS.280409", `Invalid date "${date ?? ""}": expected a UTC day as YYYY-MM-DD`)
  }
  const body: typeof Wire.RestoreTimeResponse.Encoded = {
    restore_time: S.windowsOfDay(instance.value, dayStart).map((w) => ({ start_time: w.start, end_time: w.end }))
  }
  return json(200, body)
}

/** `GET .../restore-database?restore_time=&offset=&limit=`. */
export const restoreDatabases = (read: Read): Answer => {
  const instance = findInstance(read)
  if (!instance.ok) return instance.answer
  const mode = replicaSetOnly(instance.value)
  if (mode !== undefined) return mode
  const t = restoreTime(read.request, instance.value)
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
  const t = restoreTime(read.request, instance.value)
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

const instanceJson = (read: Read, instance: Seed.Instance): typeof Wire.Instance.Encoded => ({
  id: instance.id,
  name: instance.name,
  status: instance.status,
  mode: instance.mode,
  datastore: { type: "DDS-Community", version: instance.version, whole_version: `${instance.version}.0` },
  actions: S.actionsAt(read.state, instance, read.now, read.busyWhileRestoring),
  port: "8635",
  engine: "wiredTiger",
  time_zone: ""
})

/** `GET /v3/{project_id}/instances?id=&name=&mode=&offset=&limit=`: an unknown id lists nothing. */
export const instances = (read: Read): Answer => {
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const id = queryParam(read.request, "id")
  const name = queryParam(read.request, "name")
  const mode = queryParam(read.request, "mode")
  const found = read.route.projectId === read.state.projectId
    ? read.state.instances.filter((i) =>
      (id === undefined || i.id === id) && (name === undefined || i.name === name) && (mode === undefined || i.mode === mode)
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

/** `GET /v3/{project_id}/jobs?id=`: 404 until the job becomes visible, as the service does just after a submit. */
export const job = (read: Read): Answer => {
  const id = queryParam(read.request, "id")
  if (id === undefined || id === "") return parameterError("id is required")
  const found = visibleJobs(read).find((j) => j.id === id)
  if (found === undefined) return error(404, "DBS.200002", `The job does not exist: ${id}`)
  const at = S.phase(found, read.now)
  const body: typeof Wire.JobResponse.Encoded = {
    job: {
      id: found.id,
      name: S.RESTORE_JOB_NAME,
      status: S.statusOf(at),
      created: jobTime(found.createdAt),
      ended: at._tag === "Completed" || at._tag === "Failed" ? jobTime(at.endedAt) : "",
      ...(at._tag === "Running" ? { progress: `${at.progress}%` } : {}),
      instance: { id: found.instanceId, name: found.instanceName },
      fail_reason: at._tag === "Failed" ? at.reason : null
    }
  }
  return json(200, body)
}

const maxTaskSpan = 30 * dayMillis

/** `GET /v3.1/{project_id}/jobs?start_time=&end_time=&name=&status=&offset=&limit=`, newest first. */
export const tasks = (read: Read): Answer => {
  const startText = queryParam(read.request, "start_time")
  const endText = queryParam(read.request, "end_time")
  if (startText === undefined || endText === undefined) {
    return parameterError("start_time and end_time are required (YYYY-MM-DDThh:mm:ssZ)")
  }
  const start = parseTaskTime(startText)
  const end = parseTaskTime(endText)
  if (start === undefined || end === undefined) {
    return error(
      400,
      "DBS.280409",
      `Invalid time format: start_time "${startText}", end_time "${endText}": expected YYYY-MM-DDThh:mm:ssZ`
    )
  }
  if (end < start) return parameterError(`end_time ${endText} is before start_time ${startText}`)
  if (end - start > maxTaskSpan) return parameterError(`the span from start_time to end_time exceeds 30 days`)
  const status = queryParam(read.request, "status")
  if (status !== undefined && status !== "Running" && status !== "Completed" && status !== "Failed") {
    return parameterError(`status must be Running, Completed or Failed, got "${status}"`)
  }
  const name = queryParam(read.request, "name")
  const paged = paging(read.request)
  if (!paged.ok) return paged.answer
  const rows = visibleJobs(read)
    .map((j, index) => ({ j, index, at: S.phase(j, read.now) }))
    .filter(({ at, j }) =>
      j.createdAt >= start && j.createdAt <= end &&
      (name === undefined || name === S.RESTORE_JOB_NAME) &&
      (status === undefined || S.statusOf(at) === status)
    )
    .sort((a, b) => b.j.createdAt - a.j.createdAt || b.index - a.index)
  const body: typeof Wire.TaskListResponse.Encoded = {
    jobs: page(rows, paged.value).map(({ at, j }) => ({
      id: j.id,
      name: S.RESTORE_JOB_NAME,
      instance_id: j.instanceId,
      instance_name: j.instanceName,
      status: S.statusOf(at),
      progress: at._tag === "Running" ? `${at.progress}%` : "",
      fail_reason: at._tag === "Failed" ? at.reason : null,
      created_at: jobTime(j.createdAt),
      ended_at: at._tag === "Completed" || at._tag === "Failed" ? jobTime(at.endedAt) : ""
    })),
    total_count: rows.length
  }
  return json(200, body)
}
