/**
 * The DDS point-in-time restore client: check a plan against the instance (preflight), submit it,
 * settle a submission whose answer was lost (reconcile), wait on the job, restore on many
 * instances under one request rate, and read what a plan needs (restorable windows, databases and
 * collections, the instance, its backup policy, past restore tasks). Every call checks its
 * arguments before building a request, signs every attempt afresh, retries only what is safe to
 * repeat, and fails with a typed error.
 *
 * @since 0.1.0
 */
import { DatabaseName, type PlanError, RestorePlan, RestorePoint, Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { DdsConfig } from "./DdsConfig.js"
import type * as DdsRequest from "./DdsRequest.js"
import { InstanceNotFound } from "./InstanceNotFound.js"
import { InvalidArgument } from "./InvalidArgument.js"
import { InvalidIdentifier } from "./InvalidIdentifier.js"
import { walk } from "./internal/paging.js"
import * as PreflightRun from "./internal/preflight.js"
import { isSafeSegment, quote } from "./internal/segment.js"
import * as Send from "./internal/send.js"
import { watch } from "./internal/watch.js"
import type * as JobWatch from "./JobWatch.js"
import * as Preflight from "./Preflight.js"
import * as Reconcile from "./Reconcile.js"
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
 * What a restore gives: the id of its job, and whether the answer was lost and the job found in
 * the task list instead (`reconciled`).
 *
 * @since 0.1.0
 */
export interface Submission {
  readonly jobId: string
  readonly reconciled: boolean
}

/**
 * How `restore` goes about a submission.
 *
 * - `preflight`: check the plan against the instance first and refuse to send it when a problem
 *   is found (true by default; options tune its reads; `false` skips it).
 * - `reconcile`: how long and how often the task list is searched when the answer is lost.
 * - `resubmitIfAbsent`: when the answer was lost and the search showed no job, submit once more
 *   (false by default: the outcome is reported as unknown instead).
 *
 * @since 0.1.0
 */
export interface RestoreOptions {
  readonly preflight?: boolean | Preflight.Options | undefined
  readonly reconcile?: Reconcile.Options | undefined
  readonly resubmitIfAbsent?: boolean | undefined
}

/**
 * Every way a restore can fail.
 *
 * @since 0.1.0
 */
export type RestoreError =
  | CallError
  | InvalidIdentifier
  | PlanError.PlanError
  | Preflight.PreflightFailed
  | Reconcile.RestoreOutcomeUnknown

/**
 * Every way a wait on a job can fail.
 *
 * @since 0.1.0
 */
export type WaitError =
  | JobWatch.JobFailed
  | JobWatch.JobWaitTimeout
  | JobWatch.JobNotFound
  | CallError
  | InvalidIdentifier

/**
 * One restore of a batch: a plan for an instance.
 *
 * @since 0.1.0
 */
export interface Item {
  readonly instanceId: string
  readonly plan: RestorePlan.RestorePlan
}

/**
 * The outcome of one restore of a batch, for its instance.
 *
 * @since 0.1.0
 */
export interface ItemResult {
  readonly instanceId: string
  readonly result: Exit.Exit<Submission, RestoreError>
}

/**
 * How `restoreMany` runs its batch: how many restores at once, the most requests per second all of
 * them together send (no limit when absent), and the options of each restore.
 *
 * @since 0.1.0
 */
export interface RestoreManyOptions extends RestoreOptions {
  readonly concurrency: number
  readonly requestsPerSecond?: number | undefined
}

/**
 * What `RestoreClient` offers.
 *
 * @since 0.1.0
 */
export interface Service {
  /**
   * Checks a plan against the instance before anything is submitted, and reports every problem
   * at once: the instance is missing, not a replica set, busy, or without incremental backup; a
   * time is outside every restorable window; a database or collection did not exist at its time;
   * a restored name is taken or too long. Only reads are sent.
   */
  readonly preflight: (
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options?: Preflight.Options
  ) => Effect.Effect<Preflight.PreflightReport, CallError | InvalidIdentifier>
  /**
   * Submits a restore plan to an instance, after its preflight (unless `{ preflight: false }`),
   * and gives the id of its job. Not idempotent: resent only when the gateway refused it before
   * any work; an answer lost in flight (or a 5xx) is settled by looking the job up in the task
   * list, never by resending blindly. Submissions to one instance through one client are made one
   * at a time, so that every caller gets its own job id.
   */
  readonly restore: (
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options?: RestoreOptions
  ) => Effect.Effect<Submission, RestoreError>
  /**
   * Looks for the restore job of a submission whose answer was lost: a `MongodbRestoreTable` task
   * of the instance created since just before `submittedAt` that no caller of this client holds
   * yet, for a bounded wait. Fails with `RestoreOutcomeUnknown` when none shows up.
   */
  readonly reconcile: (
    instanceId: string,
    submittedAt: Date | number,
    options?: Reconcile.Options
  ) => Effect.Effect<Submission, Reconcile.RestoreOutcomeUnknown | InvalidIdentifier | InvalidArgument>
  /**
   * Restores on many instances, `concurrency` at a time, every request of the batch under one
   * rate limit, and gives a result per instance, in the order of `items`: no failure hides
   * another.
   */
  readonly restoreMany: (
    items: ReadonlyArray<Item>,
    options: RestoreManyOptions
  ) => Effect.Effect<ReadonlyArray<ItemResult>, InvalidArgument>
  /**
   * The request `restore` would send for a plan, before it is signed, for a dry run: nothing is
   * sent. Checks the id and the plan's rules as `restore` does.
   */
  readonly restoreRequest: (
    instanceId: string,
    plan: RestorePlan.RestorePlan
  ) => Effect.Effect<DdsRequest.DdsRequest, InvalidIdentifier | PlanError.PlanError>
  /** One job (`GET /v3/{project_id}/jobs?id=`); a job just submitted may answer 404 for a few seconds. */
  readonly job: (jobId: string) => Effect.Effect<Wire.Job, CallError | InvalidIdentifier>
  /**
   * Waits until a job ends: the `Completed` job, or `JobFailed` with the service's reason, or
   * `JobWaitTimeout`. Polls with back-off on the Effect `Clock`; stops at once when interrupted.
   */
  readonly waitForJob: (jobId: string, options?: JobWatch.Options) => Effect.Effect<Wire.Job, WaitError>
  /**
   * The job's snapshots, one on every change, ending after the `Completed` one, or failing with
   * `JobFailed` after the `Failed` one; polled as `waitForJob` does.
   */
  readonly watchJob: (jobId: string, options?: JobWatch.Options) => Stream.Stream<JobWatch.Snapshot, WaitError>
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

const millisOf = (instant: Date | number): number => (typeof instant === "number" ? instant : instant.getTime())

const taskSpan = (
  operation: string,
  from: Date | number,
  to: Date | number
): Effect.Effect<readonly [string, string], InvalidArgument> => {
  const start = millisOf(from)
  const end = millisOf(to)
  const refuse = (argument: string, reason: string) =>
    Effect.fail(new InvalidArgument({ operation, argument, reason }))
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

    // Reads on arguments already checked, shared by the public reads and the preflight.
    const readWindows = (id: string, day: string) =>
      Effect.map(
        read("restorableTimes", instancePath(id, "restore-time"), [["date", day]], Wire.RestoreTimeResponse),
        (answer) => answer.value.restore_time
      )

    const readDatabases = (id: string, time: number) =>
      walk("restorableDatabases", (offset, limit) =>
        read(
          "restorableDatabases",
          instancePath(id, "restore-database"),
          [["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
          Wire.RestoreDatabasesResponse
        ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.databases, total: answer.value.total_count } }))))

    const readCollections = (id: string, database: string, time: number) =>
      walk("restorableCollections", (offset, limit) =>
        read(
          "restorableCollections",
          instancePath(id, "restore-collection"),
          [["db_name", database], ["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
          Wire.RestoreCollectionsResponse
        ).pipe(
          Effect.map((answer) => ({ ...answer, value: { items: answer.value.collections, total: answer.value.total_count } }))
        ))

    const readInstance = (id: string) =>
      Effect.gen(function*() {
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
      })

    const readPolicy = (id: string) =>
      Effect.map(
        read("backupPolicy", instancePath(id, "backups", "policy"), [], Wire.BackupPolicyResponse),
        (answer) => answer.value.backup_policy
      )

    const readTasks = (id: string, start: string, end: string, until?: (task: Wire.Task) => boolean) =>
      Effect.map(
        walk("restoreTasks", (offset, limit) =>
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
          ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.jobs, total: answer.value.total_count } }))),
          until === undefined ? undefined : (task) => task.instance_id === id && until(task)),
        (tasks) => tasks.filter((task) => task.instance_id === id)
      )

    const readJob = (id: string) =>
      Effect.map(read("job", [...project, "jobs"], [["id", id]], Wire.JobResponse), (answer) => answer.value.job)

    const preflightReads: PreflightRun.Reads = {
      instance: readInstance,
      backupPolicy: readPolicy,
      windows: readWindows,
      databases: readDatabases,
      collections: readCollections
    }

    const preflight: Service["preflight"] = (instanceId, plan, preflightOptions = {}) =>
      Effect.gen(function*() {
        const id = yield* safeId("preflight", "instanceId", instanceId)
        return yield* PreflightRun.run(preflightReads, id, plan, yield* Clock.currentTimeMillis, preflightOptions)
      }).pipe(traced("preflight", { "dds.instance_id": instanceId }))

    // Two restores of one instance look alike in the task list, so each instance's submissions
    // (and their reconciliation) go one at a time, and a job id once handed out is never handed
    // out again: every caller holds its own job.
    const locks = new Map<string, Effect.Semaphore>()
    const lockOf = (id: string) =>
      Effect.sync(() => {
        const existing = locks.get(id)
        if (existing !== undefined) return existing
        const created = Effect.unsafeMakeSemaphore(1)
        locks.set(id, created)
        return created
      })
    const claimed = new Set<string>()
    const claim = (jobId: string, reconciled: boolean): Effect.Effect<Submission> =>
      Effect.sync(() => {
        claimed.add(jobId)
        return { jobId, reconciled }
      })

    type Lookup =
      | { readonly _tag: "Found"; readonly jobId: string }
      | { readonly _tag: "Absent"; readonly searchedFrom: number }
      | { readonly _tag: "Unreadable"; readonly searchedFrom: number; readonly failure: CallError | InvalidArgument }

    // Reads the task list until an unclaimed restore task of the instance created since just
    // before the submission shows up, or the wait is over. Runs under the instance's lock.
    const lookup = (id: string, submittedAt: number, settings: Reconcile.Settings): Effect.Effect<Lookup> =>
      Effect.gen(function*() {
        const margin = Duration.toMillis(settings.clockSkewMargin)
        const searchedFrom = submittedAt - margin
        const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(settings.wait)
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          const isUnclaimed = (task: Wire.Task) => !claimed.has(task.id)
          // The listing is read only as far as the first unclaimed task of the instance: in a list
          // that puts the newest first (as FakeDds's does), the one just created is on page one.
          const tasks = yield* Effect.either(
            Effect.flatMap(
              taskSpan("reconcile", searchedFrom, now + margin),
              ([start, end]) => readTasks(id, start, end, isUnclaimed)
            )
          )
          if (Either.isRight(tasks)) {
            const found = tasks.right.find(isUnclaimed)
            if (found !== undefined) return { _tag: "Found", jobId: found.id } as const
          }
          const left = deadline - (yield* Clock.currentTimeMillis)
          if (left <= 0) {
            return Either.isRight(tasks)
              ? { _tag: "Absent", searchedFrom } as const
              : { _tag: "Unreadable", searchedFrom, failure: tasks.left } as const
          }
          yield* Effect.sleep(Duration.millis(Math.min(Duration.toMillis(settings.interval), left)))
        }
      })

    const outcomeUnknown = (
      id: string,
      submittedAt: number,
      found: Exclude<Lookup, { readonly _tag: "Found" }>,
      error: Reconcile.RestoreOutcomeUnknown["error"]
    ) =>
      new Reconcile.RestoreOutcomeUnknown({
        instanceId: id,
        submittedAt,
        searchedFrom: found.searchedFrom,
        ...(error === undefined ? {} : { error }),
        ...(found._tag === "Unreadable" ? { lookupFailure: found.failure.message } : {})
      })

    const reconcile: Service["reconcile"] = (instanceId, submittedAt, reconcileOptions) =>
      Effect.gen(function*() {
        const id = yield* safeId("reconcile", "instanceId", instanceId)
        const at = millisOf(submittedAt)
        const settings = Reconcile.settings(reconcileOptions)
        const margin = Duration.toMillis(settings.clockSkewMargin)
        const now = yield* Clock.currentTimeMillis
        // Refused before any read: an instant the task list cannot be searched from.
        if (!Number.isFinite(at) || at > now + margin || now - at + 2 * margin > MAX_TASK_SPAN_MILLIS) {
          return yield* new InvalidArgument({
            operation: "reconcile",
            argument: "submittedAt",
            reason: `${Number.isFinite(at) ? taskTime(at) : String(at)} is not an instant of the last 30 days: ` +
              "the task list is searched from just before the submission until now, over at most 30 days; give when the restore was submitted."
          })
        }
        const lock = yield* lockOf(id)
        return yield* lock.withPermits(1)(
          Effect.flatMap(lookup(id, at, settings), (found) =>
            found._tag === "Found" ? claim(found.jobId, true) : Effect.fail(outcomeUnknown(id, at, found, undefined)))
        )
      }).pipe(traced("reconcile", { "dds.instance_id": instanceId }))

    const restoreCall = (id: string, body: string) =>
      ({ operation: "restore", method: "POST", path: instancePath(id, "restore", "collections"), body, idempotent: false }) as const

    const restoreRequest: Service["restoreRequest"] = (instanceId, plan) =>
      Effect.gen(function*() {
        const id = yield* safeId("restoreRequest", "instanceId", instanceId)
        const checked = yield* RestorePlan.validate(plan)
        return sender.request(restoreCall(id, JSON.stringify(RestorePlan.encode(checked))))
      })

    const submit = (id: string, body: string, restoreOptions: RestoreOptions) =>
      Effect.gen(function*() {
        const settings = Reconcile.settings(restoreOptions.reconcile)
        let resends = restoreOptions.resubmitIfAbsent === true ? 1 : 0
        for (;;) {
          const submittedAt = yield* Clock.currentTimeMillis
          const sent = yield* Effect.either(sender.send(restoreCall(id, body), Wire.RestoreResponse))
          if (Either.isRight(sent)) return yield* claim(sent.right.value.job_id, false)
          const error = sent.left
          if (!Reconcile.isAnswerLost(error)) return yield* Effect.fail(error)
          yield* Effect.logWarning(`The answer to a restore on instance ${id} was lost; looking for its job in the task list`)
          const found = yield* lookup(id, submittedAt, settings)
          if (found._tag === "Found") return yield* claim(found.jobId, true)
          // Only a task list read to the end of the wait shows that the service started nothing.
          if (found._tag === "Absent" && resends > 0) {
            resends--
            continue
          }
          return yield* outcomeUnknown(id, submittedAt, found, error)
        }
      })

    const restore: Service["restore"] = (instanceId, plan, restoreOptions = {}) =>
      Effect.gen(function*() {
        const id = yield* safeId("restore", "instanceId", instanceId)
        // A plan built in code skipped the rules across entries; a plan that breaks one is never sent.
        const checked = yield* RestorePlan.validate(plan)
        if (restoreOptions.preflight !== false) {
          const preflightOptions = restoreOptions.preflight === true || restoreOptions.preflight === undefined
            ? {}
            : restoreOptions.preflight
          const report = yield* PreflightRun.run(preflightReads, id, checked, yield* Clock.currentTimeMillis, preflightOptions)
          if (!report.ok) return yield* new Preflight.PreflightFailed({ report })
        }
        const body = JSON.stringify(RestorePlan.encode(checked))
        const lock = yield* lockOf(id)
        return yield* lock.withPermits(1)(submit(id, body, restoreOptions))
      }).pipe(traced("restore", { "dds.instance_id": instanceId }))

    const restoreMany: Service["restoreMany"] = (items, manyOptions) =>
      Effect.gen(function*() {
        const { concurrency, requestsPerSecond, ...restoreOptions } = manyOptions
        if (!Number.isInteger(concurrency) || concurrency < 1) {
          return yield* new InvalidArgument({
            operation: "restoreMany",
            argument: "concurrency",
            reason: `${String(concurrency)} is not a number of restores at once: give a whole number of 1 or more.`
          })
        }
        if (requestsPerSecond !== undefined && !(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
          return yield* new InvalidArgument({
            operation: "restoreMany",
            argument: "requestsPerSecond",
            reason: `${String(requestsPerSecond)} is not a request rate: give a number above 0, or leave it out for no limit.`
          })
        }
        const batch = Effect.forEach(
          items,
          (item) =>
            Effect.map(Effect.exit(restore(item.instanceId, item.plan, restoreOptions)), (result): ItemResult => ({
              instanceId: item.instanceId,
              result
            })),
          { concurrency }
        )
        if (requestsPerSecond === undefined) return yield* batch
        // One token at a time, one every 1/rate seconds: the batch's requests are spaced evenly,
        // so no window of one second ever holds more than the rate (a burst allowance would).
        const limiter = yield* RateLimiter.make({
          limit: 1,
          interval: Duration.millis(1000 / requestsPerSecond),
          algorithm: "token-bucket"
        })
        return yield* Effect.locally(batch, Send.currentRateLimiter, Option.some(limiter))
      }).pipe(Effect.scoped, traced("restoreMany", { "dds.items": String(items.length) }))

    const job: Service["job"] = (jobId) =>
      Effect.gen(function*() {
        const id = yield* safeId("job", "jobId", jobId)
        return yield* readJob(id)
      }).pipe(traced("job", { "dds.job_id": jobId }))

    const watchJob: Service["watchJob"] = (jobId, watchOptions = {}) =>
      Stream.unwrap(Effect.map(safeId("watchJob", "jobId", jobId), (id) => watch(readJob, id, watchOptions)))

    const waitForJob: Service["waitForJob"] = (jobId, watchOptions = {}) =>
      Effect.gen(function*() {
        const id = yield* safeId("waitForJob", "jobId", jobId)
        const last = yield* Stream.runLast(watch(readJob, id, watchOptions))
        // The stream ends only after a Completed snapshot: it fails on every other way out.
        return Option.getOrThrow(last).job
      }).pipe(traced("waitForJob", { "dds.job_id": jobId }))

    const restorableTimes: Service["restorableTimes"] = (instanceId, day) =>
      Effect.gen(function*() {
        const id = yield* safeId("restorableTimes", "instanceId", instanceId)
        const date = yield* utcDay("restorableTimes", day)
        return yield* readWindows(id, date)
      }).pipe(traced("restorableTimes", { "dds.instance_id": instanceId }))

    const restorableDatabases: Service["restorableDatabases"] = (instanceId, at) =>
      Effect.gen(function*() {
        const id = yield* safeId("restorableDatabases", "instanceId", instanceId)
        const time = yield* restorePoint("restorableDatabases", "at", at)
        return yield* readDatabases(id, time)
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
        return yield* readCollections(id, name.right, time)
      }).pipe(traced("restorableCollections", { "dds.instance_id": instanceId }))

    const instance: Service["instance"] = (instanceId) =>
      Effect.flatMap(safeId("instance", "instanceId", instanceId), readInstance).pipe(
        traced("instance", { "dds.instance_id": instanceId })
      )

    const backupPolicy: Service["backupPolicy"] = (instanceId) =>
      Effect.flatMap(safeId("backupPolicy", "instanceId", instanceId), readPolicy).pipe(
        traced("backupPolicy", { "dds.instance_id": instanceId })
      )

    const restoreTasks: Service["restoreTasks"] = (instanceId, from, to) =>
      Effect.gen(function*() {
        const id = yield* safeId("restoreTasks", "instanceId", instanceId)
        const [start, end] = yield* taskSpan("restoreTasks", from, to)
        return yield* readTasks(id, start, end)
      }).pipe(traced("restoreTasks", { "dds.instance_id": instanceId }))

    return RestoreClient.of({
      preflight,
      restore,
      restoreRequest,
      reconcile,
      restoreMany,
      job,
      waitForJob,
      watchJob,
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
