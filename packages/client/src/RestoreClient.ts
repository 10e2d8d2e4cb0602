/**
 * The DDS point-in-time restore client: submit a restore plan, read its job, and read what a plan
 * needs (restorable windows, databases and collections, the instance, its backup policy, past
 * restore tasks). Every call checks its arguments before building a request, signs every attempt
 * afresh, retries only what is safe to repeat, and fails with a typed error.
 *
 * @since 0.1.0
 */
import { DatabaseName, type PlanError, RestorePlan, RestorePoint, Wire } from "@dds-restore/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { DdsConfig } from "./DdsConfig.js"
import { InstanceNotFound } from "./InstanceNotFound.js"
import { InvalidArgument } from "./InvalidArgument.js"
import { InvalidIdentifier } from "./InvalidIdentifier.js"
import { walk } from "./internal/paging.js"
import { isSafeSegment, quote } from "./internal/segment.js"
import * as Send from "./internal/send.js"
import * as RetryPolicy from "./RetryPolicy.js"
import type { ResponseDecodeError } from "./ResponseDecodeError.js"
import type { ServiceError } from "./ServiceError.js"
import type { Signer, SignerError } from "./Signer.js"
import type { Transport, TransportError } from "./Transport.js"

/**
 * Every way a call that reached the point of sending can fail.
 *
 * @since 0.1.0
 */
export type CallError = ServiceError | TransportError | SignerError | ResponseDecodeError

/**
 * The name of restore jobs in the task list.
 *
 * @since 0.1.0
 */
export const RESTORE_TASK_NAME = "MongodbRestoreTable"

/**
 * The longest span the task list accepts: 30 days.
 *
 * @since 0.1.0
 */
export const MAX_TASK_SPAN_MILLIS = 30 * 24 * 60 * 60 * 1000

/**
 * What `RestoreClient` offers.
 *
 * @since 0.1.0
 */
export interface Service {
  /**
   * Submits a restore plan to an instance and gives the id of the restore job. Not idempotent:
   * resent only when the gateway refused it before any work (throttled, clock skew, a refused
   * credential); an answer lost in flight or a server error is reported as is.
   */
  readonly restore: (
    instanceId: string,
    plan: RestorePlan.RestorePlan
  ) => Effect.Effect<string, CallError | InvalidIdentifier | PlanError.PlanError>
  /** One job (`GET /v3/{project_id}/jobs?id=`); a job just submitted may answer 404 for a few seconds. */
  readonly job: (jobId: string) => Effect.Effect<Wire.Job, CallError | InvalidIdentifier>
  /** The restorable windows of one UTC day, given as `YYYY-MM-DD`. */
  readonly restorableTimes: (
    instanceId: string,
    day: string
  ) => Effect.Effect<ReadonlyArray<Wire.RestoreWindow>, CallError | InvalidIdentifier | InvalidArgument>
  /** Every database that can be restored to a point in time (epoch ms), all pages walked. */
  readonly restorableDatabases: (
    instanceId: string,
    at: number
  ) => Effect.Effect<ReadonlyArray<string>, CallError | InvalidIdentifier | InvalidArgument>
  /** Every collection of a database that can be restored to a point in time (epoch ms), all pages walked. */
  readonly restorableCollections: (
    instanceId: string,
    database: string,
    at: number
  ) => Effect.Effect<ReadonlyArray<string>, CallError | InvalidIdentifier | InvalidArgument>
  /** The instance's details; `InstanceNotFound` when the project has no such instance. */
  readonly instance: (instanceId: string) => Effect.Effect<Wire.Instance, CallError | InvalidIdentifier | InstanceNotFound>
  /** The instance's backup policy (a point-in-time restore needs incremental backup on). */
  readonly backupPolicy: (instanceId: string) => Effect.Effect<Wire.BackupPolicy, CallError | InvalidIdentifier>
  /**
   * The restore tasks of an instance created between two instants (at most 30 days apart), all
   * pages walked.
   */
  readonly restoreTasks: (
    instanceId: string,
    from: Date | number,
    to: Date | number
  ) => Effect.Effect<ReadonlyArray<Wire.Task>, CallError | InvalidIdentifier | InvalidArgument>
}

/**
 * The DDS restore client.
 *
 * @since 0.1.0
 */
export class RestoreClient extends Context.Tag("@dds-restore/client/RestoreClient")<RestoreClient, Service>() {}

/**
 * The options of `make` and `layer`.
 *
 * @since 0.1.0
 */
export interface Options {
  /** Bounds and delays of retries; each one left out keeps `RetryPolicy.defaults`. */
  readonly retryPolicy?: RetryPolicy.Options | undefined
}

const safeId = (operation: string, argument: string, value: string): Effect.Effect<string, InvalidIdentifier> =>
  isSafeSegment(value) ? Effect.succeed(value) : Effect.fail(new InvalidIdentifier({ operation, argument, value: quote(value) }))

const isRestorePoint = Schema.is(RestorePoint.RestorePoint)

const restorePoint = (operation: string, argument: string, at: number): Effect.Effect<number, InvalidArgument> =>
  isRestorePoint(at)
    ? Effect.succeed(at)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument,
        reason: `${String(at)} is not a point in time: give whole UNIX epoch milliseconds (for example 1607762955000).`
      })
    )

const utcDay = (operation: string, day: string): Effect.Effect<string, InvalidArgument> => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  const date = match === null ? undefined : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  // A day like 2021-02-30 parses, as March 2nd: only a date that reads back the same is real.
  return date !== undefined && date.toISOString().slice(0, 10) === day
    ? Effect.succeed(day)
    : Effect.fail(
      new InvalidArgument({
        operation,
        argument: "day",
        reason: `${quote(day)} is not a calendar day: give a UTC day as YYYY-MM-DD, for example 2020-12-12.`
      })
    )
}

const taskTime = (millis: number): string => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

const taskSpan = (
  from: Date | number,
  to: Date | number
): Effect.Effect<readonly [string, string], InvalidArgument> => {
  const start = typeof from === "number" ? from : from.getTime()
  const end = typeof to === "number" ? to : to.getTime()
  const refuse = (argument: string, reason: string) =>
    Effect.fail(new InvalidArgument({ operation: "restoreTasks", argument, reason }))
  if (!Number.isFinite(start) || Number.isNaN(new Date(start).getTime())) {
    return refuse("from", "is not a valid instant: give a Date or UNIX epoch milliseconds.")
  }
  if (!Number.isFinite(end) || Number.isNaN(new Date(end).getTime())) {
    return refuse("to", "is not a valid instant: give a Date or UNIX epoch milliseconds.")
  }
  if (end < start) return refuse("to", `(${taskTime(end)}) is before from (${taskTime(start)}): swap them.`)
  if (end - start > MAX_TASK_SPAN_MILLIS) {
    return refuse("to", `is more than 30 days after from (${taskTime(start)}): the task list spans at most 30 days, split the span.`)
  }
  return Effect.succeed([taskTime(start), taskTime(end)] as const)
}

/**
 * The client over a `Transport`, a `Signer` and a `DdsConfig`. The clock offset learnt from the
 * gateway is kept for the client's lifetime.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, Transport | Signer | DdsConfig> =>
  Effect.gen(function*() {
    const config = yield* DdsConfig
    const sender = yield* Send.make(RetryPolicy.make(options.retryPolicy))
    const project = ["v3", config.projectId]
    const instancePath = (instanceId: string, ...rest: ReadonlyArray<string>) => [...project, "instances", instanceId, ...rest]

    const read = <A, I>(
      operation: string,
      path: ReadonlyArray<string>,
      query: ReadonlyArray<readonly [string, string]>,
      schema: Schema.Schema<A, I>
    ) => sender.send({ operation, method: "GET", path, query, idempotent: true }, schema)

    const traced = (operation: string, attributes: Record<string, string>) =>
      Effect.withSpan(`RestoreClient.${operation}`, { attributes: { ...attributes, "dds.operation": operation } })

    const restore: Service["restore"] = (instanceId, plan) =>
      Effect.gen(function*() {
        const id = yield* safeId("restore", "instanceId", instanceId)
        // A plan built in code skipped the rules across entries; a plan that breaks one is never sent.
        const checked = yield* RestorePlan.validate(plan)
        const answer = yield* sender.send(
          {
            operation: "restore",
            method: "POST",
            path: instancePath(id, "restore", "collections"),
            body: JSON.stringify(RestorePlan.encode(checked)),
            idempotent: false
          },
          Wire.RestoreResponse
        )
        return answer.value.job_id
      }).pipe(traced("restore", { "dds.instance_id": instanceId }))

    const job: Service["job"] = (jobId) =>
      Effect.gen(function*() {
        const id = yield* safeId("job", "jobId", jobId)
        const answer = yield* read("job", [...project, "jobs"], [["id", id]], Wire.JobResponse)
        return answer.value.job
      }).pipe(traced("job", { "dds.job_id": jobId }))

    const restorableTimes: Service["restorableTimes"] = (instanceId, day) =>
      Effect.gen(function*() {
        const id = yield* safeId("restorableTimes", "instanceId", instanceId)
        const date = yield* utcDay("restorableTimes", day)
        const answer = yield* read("restorableTimes", instancePath(id, "restore-time"), [["date", date]], Wire.RestoreTimeResponse)
        return answer.value.restore_time
      }).pipe(traced("restorableTimes", { "dds.instance_id": instanceId }))

    const restorableDatabases: Service["restorableDatabases"] = (instanceId, at) =>
      Effect.gen(function*() {
        const id = yield* safeId("restorableDatabases", "instanceId", instanceId)
        const time = yield* restorePoint("restorableDatabases", "at", at)
        return yield* walk("restorableDatabases", (offset, limit) =>
          read(
            "restorableDatabases",
            instancePath(id, "restore-database"),
            [["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
            Wire.RestoreDatabasesResponse
          ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.databases, total: answer.value.total_count } }))))
      }).pipe(traced("restorableDatabases", { "dds.instance_id": instanceId }))

    const restorableCollections: Service["restorableCollections"] = (instanceId, database, at) =>
      Effect.gen(function*() {
        const id = yield* safeId("restorableCollections", "instanceId", instanceId)
        const name = DatabaseName.parse(database)
        if (name._tag === "Left") {
          return yield* new InvalidArgument({
            operation: "restorableCollections",
            argument: "database",
            reason: `${quote(database)} is not a database name: ${name.left}`
          })
        }
        const time = yield* restorePoint("restorableCollections", "at", at)
        return yield* walk("restorableCollections", (offset, limit) =>
          read(
            "restorableCollections",
            instancePath(id, "restore-collection"),
            [["db_name", name.right], ["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
            Wire.RestoreCollectionsResponse
          ).pipe(
            Effect.map((answer) => ({ ...answer, value: { items: answer.value.collections, total: answer.value.total_count } }))
          ))
      }).pipe(traced("restorableCollections", { "dds.instance_id": instanceId }))

    const instance: Service["instance"] = (instanceId) =>
      Effect.gen(function*() {
        const id = yield* safeId("instance", "instanceId", instanceId)
        const answer = yield* read("instance", [...project, "instances"], [["id", id]], Wire.InstancesResponse).pipe(
          Effect.catchIf(
            (error): error is ServiceError => error._tag === "ServiceError" && error.kind === "InstanceNotFound",
            (error) =>
              Effect.fail(new InstanceNotFound({ instanceId: id, ...(error.requestId === undefined ? {} : { requestId: error.requestId }) }))
          )
        )
        const found = answer.value.instances.find((candidate) => candidate.id === id)
        if (found === undefined) {
          return yield* new InstanceNotFound({
            instanceId: id,
            ...(answer.requestId === undefined ? {} : { requestId: answer.requestId })
          })
        }
        return found
      }).pipe(traced("instance", { "dds.instance_id": instanceId }))

    const backupPolicy: Service["backupPolicy"] = (instanceId) =>
      Effect.gen(function*() {
        const id = yield* safeId("backupPolicy", "instanceId", instanceId)
        const answer = yield* read("backupPolicy", instancePath(id, "backups", "policy"), [], Wire.BackupPolicyResponse)
        return answer.value.backup_policy
      }).pipe(traced("backupPolicy", { "dds.instance_id": instanceId }))

    const restoreTasks: Service["restoreTasks"] = (instanceId, from, to) =>
      Effect.gen(function*() {
        const id = yield* safeId("restoreTasks", "instanceId", instanceId)
        const [start, end] = yield* taskSpan(from, to)
        const tasks = yield* walk("restoreTasks", (offset, limit) =>
          read(
            "restoreTasks",
            ["v3.1", config.projectId, "jobs"],
            [
              ["start_time", start],
              ["end_time", end],
              ["name", RESTORE_TASK_NAME],
              ["offset", String(offset)],
              ["limit", String(limit)]
            ],
            Wire.TaskListResponse
          ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.jobs, total: answer.value.total_count } }))))
        return tasks.filter((task) => task.instance_id === id)
      }).pipe(traced("restoreTasks", { "dds.instance_id": instanceId }))

    return RestoreClient.of({
      restore,
      job,
      restorableTimes,
      restorableDatabases,
      restorableCollections,
      instance,
      backupPolicy,
      restoreTasks
    })
  })

/**
 * A layer providing `RestoreClient` over the `Transport`, `Signer` and `DdsConfig` in context.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<RestoreClient, never, Transport | Signer | DdsConfig> =>
  Layer.effect(RestoreClient, make(options))
