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
import { type PlanError, RestorePlan, type Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { CallError, InstanceNotFound, InvalidArgument } from "./CallError.js"
import { DdsConfig } from "./DdsConfig.js"
import type * as DdsRequest from "./DdsRequest.js"
import * as Arguments from "./internal/arguments.js"
import { onInstance, onJob, refusing, traced } from "./internal/operation.js"
import * as PreflightRun from "./internal/preflight.js"
import * as Reads from "./internal/reads.js"
import * as Submissions from "./internal/reconcile.js"
import * as Restores from "./internal/restore.js"
import * as Send from "./internal/send.js"
import { watch } from "./internal/watch.js"
import type * as JobWatch from "./JobWatch.js"
import type * as Preflight from "./Preflight.js"
import type * as Reconcile from "./Reconcile.js"
import * as RestoreLedger from "./RestoreLedger.js"
import * as RetryPolicy from "./RetryPolicy.js"
import type { Signer } from "./Signer.js"
import type { Transport } from "./Transport.js"

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
 * - `leaseWait`: how long to wait while another submission, of any process sharing the ledger,
 *   holds the instance's lease, before failing with `InstanceBusy` (default: the client's `lease.wait`);
 *   0 to `maxLeaseWait` (1 hour), anything else refused with `InvalidArgument` before anything is sent.
 *
 * @since 0.1.0
 */
export interface RestoreOptions {
  readonly preflight?: boolean | Preflight.Options | undefined
  readonly reconcile?: Reconcile.Options | undefined
  readonly resubmitIfAbsent?: boolean | undefined
  readonly leaseWait?: Duration.DurationInput | undefined
}

/**
 * The longest `leaseWait` of `restore`, `restoreMany` and `recover`, 1 hour: a submission holds its
 * instance's lease until it is settled, and a dead one's runs out within its time to live.
 *
 * @since 0.2.0
 */
export const maxLeaseWait: Duration.Duration = Arguments.maxLeaseWait

/**
 * The slowest `requestsPerSecond` of `restoreMany`, 0.01 (one request every 100 seconds): a slower rate would wait
 * longer between two requests than any other wait lasts, and Effect's timers take one of about 25 days for an infinite one.
 * @since 0.2.0
 */
export const minRequestRate: number = Arguments.minRequestRate

/**
 * The most restores `restoreMany` runs at once (its `concurrency`), 64: each one started holds its instance's lease
 * until it is settled, and its later requests wait their turn behind the batch's others, so more at once only hold more.
 *
 * @since 0.2.0
 */
export const maxConcurrency: number = Arguments.maxConcurrency

/**
 * The longest id a call takes (`instanceId`, `jobId`), 64 characters, as `DdsConfig`'s project id; a longer one is
 * refused with `InvalidArgument` (its length, its first 40 characters) before anything is sent or any lease is taken.
 * A DDS instance id has 36 characters (32 hex and a suffix such as `in02`), a job id (a UUID) 36: the bound leaves room
 * for other shapes, while a huge id can no longer be sent, journaled, or quoted whole by the messages naming it.
 *
 * @since 0.2.0
 */
export const maxIdLength: number = Arguments.maxIdLength

/**
 * Every way a restore can fail.
 *
 * @since 0.1.0
 */
export type RestoreError =
  | CallError | InvalidArgument | PlanError.PlanError | Preflight.PreflightFailed | Reconcile.RestoreOutcomeUnknown
  | RestoreLedger.JobNotRecorded | RestoreLedger.LedgerError | RestoreLedger.InstanceBusy | RestoreLedger.LeaseLost

/**
 * Every way a wait on a job can fail.
 *
 * @since 0.1.0
 */
export type WaitError = JobWatch.JobFailed | JobWatch.JobWaitTimeout | JobWatch.JobNotFound | CallError | InvalidArgument

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
 * How `restoreMany` runs its batch: how many restores at once (1 to `maxConcurrency`), the most requests per second all
 * of them together send (no limit when absent; at least `minRequestRate`), and the options of each restore, whose
 * `leaseWait` is 0 unless given: an instance another runner is restoring gets `InstanceBusy` and the batch goes on.
 *
 * @since 0.1.0
 */
export interface RestoreManyOptions extends RestoreOptions {
  readonly concurrency: number
  readonly requestsPerSecond?: number | undefined
  /** Called as each restore of the batch ends, in the order they end (to show progress). */
  readonly onResult?: ((result: ItemResult) => Effect.Effect<void>) | undefined
}

/**
 * What `RestoreClient` offers.
 *
 * @since 0.1.0
 */
export interface Service {
  /**
   * Checks a plan against the instance before anything is submitted, and reports every problem at once: the instance is
   * missing, not a replica set, busy, or without incremental backup; a time is outside every restorable window; a
   * database or collection did not exist at its time; a restored name is taken or too long. Only reads are sent.
   */
  readonly preflight: (
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options?: Preflight.Options
  ) => Effect.Effect<Preflight.PreflightReport, CallError | InvalidArgument>
  /**
   * Submits a restore plan to an instance, after its preflight (unless `{ preflight: false }`), and gives the id of its
   * job. Not idempotent: resent only when the gateway refused it before any work; an answer lost in flight (or a 5xx) is
   * settled by looking the job up in the task list, never by resending blindly. Each submission holds the instance's
   * lease in the `RestoreLedger` from its preflight until it is settled, and is journaled there: submissions to one
   * instance by every process sharing the ledger go one at a time (a restore another one started is seen by the
   * preflight: the instance busy), and a lost answer is settled only with a task new to the submission that no other
   * submission holds, so every caller gets its own job id. `InstanceBusy` when another submission keeps the lease longer
   * than the lease's wait; `JobNotRecorded`, with the job, when the service started one that the ledger could not record.
   */
  readonly restore: (
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options?: RestoreOptions
  ) => Effect.Effect<Submission, RestoreError>
  /**
   * Looks for the restore job of a submission made elsewhere whose answer was lost: the one `MongodbRestoreTable` task
   * of the instance created since just before `submittedAt` that no submission of the ledger holds, for a bounded wait,
   * under the instance's lease. Fails with `RestoreOutcomeUnknown` when none shows up, or when more than one could be it
   * (with the candidates).
   */
  readonly reconcile: (
    instanceId: string,
    submittedAt: Date | number,
    options?: Reconcile.Options
  ) => Effect.Effect<
    Submission,
    | Reconcile.RestoreOutcomeUnknown
    | RestoreLedger.JobNotRecorded
    | InvalidArgument
    | RestoreLedger.LedgerError
    | RestoreLedger.InstanceBusy
    | RestoreLedger.LeaseLost
  >
  /**
   * Settles every unsettled submission of the ledger made to this client's service (endpoint and project), left by a
   * process that died between sending and settling, with the same attribution as `restore`: the job found and recorded;
   * no new task within the wait, recorded as not started (its plan is in the journal, to submit again); more than one,
   * recorded as unknown with the candidates. Never submits anything. An instance whose lease a live submission keeps
   * past `leaseWait` is left `InstanceBusy`, and the others are settled all the same.
   */
  readonly recover: (
    options?: Reconcile.RecoverOptions
  ) => Effect.Effect<ReadonlyArray<Reconcile.Recovered>, InvalidArgument | RestoreLedger.LedgerError>
  /**
   * Restores on many instances, `concurrency` at a time (at most `maxConcurrency`), every request of the batch under
   * one rate limit, and gives a result per instance, in the order of `items`: no failure hides another.
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
  ) => Effect.Effect<DdsRequest.DdsRequest, InvalidArgument | PlanError.PlanError>
  /** One job (`GET /v3/{project_id}/jobs?id=`); a job just submitted may answer 404 for a few seconds. */
  readonly job: (jobId: string) => Effect.Effect<Wire.Job, CallError | InvalidArgument>
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
  readonly restorableTimes: (instanceId: string, day: string) => Effect.Effect<ReadonlyArray<Wire.RestoreWindow>, CallError | InvalidArgument>
  /** Every database that can be restored to a point in time (epoch ms), all pages walked. */
  readonly restorableDatabases: (instanceId: string, at: number) => Effect.Effect<ReadonlyArray<string>, CallError | InvalidArgument>
  /** Every collection of a database that can be restored to a point in time (epoch ms), all pages walked. */
  readonly restorableCollections: (
    instanceId: string,
    database: string,
    at: number
  ) => Effect.Effect<ReadonlyArray<string>, CallError | InvalidArgument>
  /** The instance's details; `InstanceNotFound` when the project has no such instance. */
  readonly instance: (instanceId: string) => Effect.Effect<Wire.Instance, CallError | InvalidArgument | InstanceNotFound>
  /** The instance's backup policy (a point-in-time restore needs incremental backup on). */
  readonly backupPolicy: (instanceId: string) => Effect.Effect<Wire.BackupPolicy, CallError | InvalidArgument>
  /**
   * The restore tasks of an instance created between two instants (at most 30 days apart), all
   * pages walked.
   */
  readonly restoreTasks: (
    instanceId: string,
    from: Date | number,
    to: Date | number
  ) => Effect.Effect<ReadonlyArray<Wire.Task>, CallError | InvalidArgument>
}

/**
 * The DDS restore client.
 *
 * @since 0.1.0
 */
export class RestoreClient extends Context.Tag("@dds-restore/client/RestoreClient")<RestoreClient, Service>() {}

/**
 * The options of `make` and `layer`: a client given one out of its bounds refuses each call with `InvalidArgument`.
 *
 * @since 0.1.0
 */
export interface Options {
  /** Bounds and delays of retries (`RetryPolicy.attemptsLimit`, `elapsedLimit`); each one left out keeps `RetryPolicy.defaults`. */
  readonly retryPolicy?: RetryPolicy.Options | undefined
  /** Who submits, as the ledger records it (default: `RestoreClient` and a random id). */
  readonly holder?: string | undefined
  /**
   * The instance's lease: its time to live (30 s, renewed at a third of it while held; `RestoreLedger.minLeaseTtl`
   * to `maxLeaseTtl`) and how long to wait while others hold it (10 min; at most `maxLeaseWait`).
   */
  readonly lease?: { readonly ttl?: Duration.DurationInput | undefined; readonly wait?: Duration.DurationInput | undefined } | undefined
}

/**
 * The client over a `Transport`, a `Signer` and a `DdsConfig`. The clock offset learnt from the
 * gateway is kept for the client's lifetime.
 *
 * @since 0.1.0
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, Transport | Signer | DdsConfig | RestoreLedger.RestoreLedger> =>
  Effect.gen(function*() {
    const problem = Arguments.clientOptions(options)
    if (problem !== undefined) return refusing(problem)
    const config = yield* DdsConfig
    const ledger = yield* RestoreLedger.RestoreLedger
    const sender = yield* Send.make(RetryPolicy.make(options.retryPolicy))
    const reads = Reads.make(sender, config)
    const submissions = Submissions.make(sender, reads, config, ledger, options)

    return RestoreClient.of({
      ...Reads.offered(reads),
      ...Restores.make(reads, submissions),
      preflight: (instanceId, plan, preflightOptions = {}) =>
        onInstance("preflight", instanceId, (id) =>
          Effect.flatMap(Effect.zip(Arguments.preflightConcurrency(preflightOptions.concurrency), Clock.currentTimeMillis), ([atOnce, now]) =>
            PreflightRun.run(reads, id, plan, now, atOnce))),
      restoreRequest: (instanceId, plan) =>
        Effect.zipWith(Arguments.safeId("restoreRequest", "instanceId", instanceId), RestorePlan.validate(plan), submissions.request),
      reconcile: (instanceId, submittedAt, reconcileOptions) =>
        onInstance("reconcile", instanceId, (id) => submissions.reconcile(id, submittedAt, reconcileOptions)),
      recover: (reconcileOptions) => submissions.recover(reconcileOptions).pipe(traced("recover", {})),
      waitForJob: (jobId, watchOptions = {}) =>
        // The stream ends only after a Completed snapshot: it fails on every other way out.
        onJob("waitForJob", jobId, (id) => Effect.map(Stream.runLast(watch("waitForJob", reads.job, id, watchOptions)), (last) => Option.getOrThrow(last).job)),
      watchJob: (jobId, watchOptions = {}) =>
        Stream.unwrap(Effect.map(Arguments.safeId("watchJob", "jobId", jobId), (id) => watch("watchJob", reads.job, id, watchOptions)))
    })
  })

/**
 * A layer providing `RestoreClient` over the `Transport`, `Signer`, `DdsConfig` and `RestoreLedger` in context: give it
 * a ledger shared by every process that restores (see `@dds-restore/ledger-sql`).
 *
 * @since 0.2.0
 */
export const layerWithoutLedger = (
  options: Options = {}
): Layer.Layer<RestoreClient, never, Transport | Signer | DdsConfig | RestoreLedger.RestoreLedger> =>
  Layer.effect(RestoreClient, make(options))

/**
 * A layer providing `RestoreClient` over the `Transport`, `Signer` and `DdsConfig` in context, with a ledger in this
 * process's memory (`RestoreLedger.layerMemory`): restores made through it are settled among themselves, not with those
 * of other processes (use `layerWithoutLedger` and a shared ledger for that).
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<RestoreClient, never, Transport | Signer | DdsConfig> =>
  layerWithoutLedger(options).pipe(Layer.provide(RestoreLedger.layerMemory))
