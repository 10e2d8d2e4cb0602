/**
 * Settling a restore whose answer was lost: the restore POST is not idempotent, so instead of
 * resending it the client looks for the restore task the service may have started, in the task
 * list, for a bounded time; when none shows up the outcome is reported as unknown, with what to
 * check before trying again.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { ResponseDecodeError, ServiceError } from "./CallError.js"
import * as Durations from "./internal/durations.js"
import { clip, named } from "./internal/segment.js"
import type { RestoreOptions } from "./RestoreClient.js"
import * as RestoreLedger from "./RestoreLedger.js"
import { TransportError } from "./Transport.js"

/**
 * How long and how often the task list is read; each option left out keeps its default, and one
 * out of its bounds is refused with `InvalidArgument` before anything is sent.
 *
 * @since 0.1.0
 */
export interface Options {
  /** How long to keep looking: a new task takes a few seconds to show in the list (at most `maxWait`). */
  readonly wait?: Duration.DurationInput | undefined
  /** The wait between two reads of the task list (at least `minInterval`). */
  readonly interval?: Duration.DurationInput | undefined
  /**
   * How far before the submission (on this machine's clock) to start looking, to allow for this
   * machine's clock being ahead of the service's (at most `maxClockSkewMargin`).
   */
  readonly clockSkewMargin?: Duration.DurationInput | undefined
}

/**
 * The resolved settings.
 *
 * @since 0.1.0
 */
export interface Settings {
  readonly wait: Duration.Duration
  readonly interval: Duration.Duration
  readonly clockSkewMargin: Duration.Duration
}

/**
 * The defaults: look for 60 s, every 3 s, from 15 minutes before the submission (the gateway
 * refuses a signature further than that from its clock, so the skew cannot be larger).
 *
 * @since 0.1.0
 */
export const defaults: Settings = {
  wait: Duration.seconds(60),
  interval: Duration.seconds(3),
  clockSkewMargin: Duration.minutes(15)
}

/**
 * The longest `wait`, 30 minutes: a new task shows in the task list within seconds, and the
 * instance stays leased while its job is looked for. A longer one is refused with `InvalidArgument`
 * before anything is sent, as is an `interval` under `minInterval` or a `clockSkewMargin` over
 * `maxClockSkewMargin`.
 *
 * @since 0.2.0
 */
export const maxWait: Duration.Duration = Duration.minutes(30)

/**
 * The shortest `interval`, 10 milliseconds: the task list is not read back to back.
 *
 * @since 0.2.0
 */
export const minInterval: Duration.Duration = Duration.millis(10)

/**
 * The largest `clockSkewMargin`, 15 minutes: the gateway refuses a signature further than that
 * from its clock, so this machine's clock cannot be further ahead of the service's.
 *
 * @since 0.2.0
 */
export const maxClockSkewMargin: Duration.Duration = Duration.minutes(15)

/**
 * The settings from the defaults and the options given.
 *
 * @since 0.1.0
 */
export const settings = (options: Options = {}): Settings => Durations.resolve(defaults, options)

/**
 * How `recover` goes about the unsettled submissions: how the task list is read for each, and
 * `leaseWait` as `restore` takes it: how long to wait while a live submission holds an instance's
 * lease before leaving that instance's submissions unsettled as `InstanceBusy` (default: the
 * client's `lease.wait`), so that a restore in flight does not hold up the others.
 *
 * @since 0.2.0
 */
export interface RecoverOptions extends Options, Pick<RestoreOptions, "leaseWait"> {}

/**
 * Whether the failure of a restore POST leaves its outcome open: the request may have reached the
 * service (a timeout or a reset after it was written), the service failed with a 5xx after it
 * may have started the job, or it answered 2xx with a body that could not be read.
 *
 * @since 0.1.0
 */
export const isAnswerLost = (error: unknown): error is TransportError | ServiceError | ResponseDecodeError =>
  (error instanceof TransportError && error.mayHaveReachedServer) ||
  (error instanceof ServiceError && error.status >= 500) ||
  (error instanceof ResponseDecodeError && error.status >= 200 && error.status < 300)

/**
 * The most candidates an unknown outcome keeps, in `RestoreOutcomeUnknown` and in the ledger's
 * journal, the first by id: an instance's task list can hold hundreds of new tasks, and neither an
 * error nor a journal entry grows with it. Its `ambiguity` (the journal's reason) says how many
 * there were.
 *
 * @since 0.2.0
 */
export const maxCandidates = 10

/**
 * A restore whose answer was lost, and whose job could not be found in the task list within the
 * wait: it may or may not have started.
 *
 * @since 0.1.0
 */
export class RestoreOutcomeUnknown extends Schema.TaggedError<RestoreOutcomeUnknown>(
  "@dds-restore/client/RestoreOutcomeUnknown"
)("RestoreOutcomeUnknown", {
  instanceId: Schema.String,
  /** When the restore was submitted, epoch ms on this machine's clock. */
  submittedAt: Schema.Number,
  /** From when the task list was searched, epoch ms (the submission less the clock-skew margin). */
  searchedFrom: Schema.Number,
  /** Why the answer is missing, when a submission was made by this client. */
  error: Schema.optionalWith(Schema.Union(TransportError, ServiceError, ResponseDecodeError), { exact: true }),
  /** Why the task list could not be read, when it could not. */
  lookupFailure: Schema.optionalWith(Schema.String, { exact: true }),
  /** The jobs that may be its job, when the task list showed more than one that could be (at most `maxCandidates`). */
  candidates: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  /** Why those could not be told apart. */
  ambiguity: Schema.optionalWith(Schema.String, { exact: true }),
  /**
   * The restore ledger's journal entry of the submission, when its outcome could not be recorded
   * (the task list could not be read, or the ledger failed): it is left unsettled, and `RestoreClient.recover`
   * (`dds-restore recover`) settles it once the task list can be read.
   *
   * @since 0.2.0
   */
  unsettled: Schema.optionalWith(Schema.String, { exact: true }),
  /**
   * Why the outcome could not be recorded, when the restore ledger failed (or the lease was lost)
   * while the submission was settled: it is left unsettled, as `unsettled` says.
   *
   * @since 0.2.0
   */
  ledgerFailure: Schema.optionalWith(Schema.Union(RestoreLedger.LedgerError, RestoreLedger.LeaseLost), { exact: true })
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const since = new Date(this.searchedFrom).toISOString()
    const lost = this.error === undefined ? "" : ` Its answer was lost: ${this.error.message}`
    const looked = this.candidates !== undefined
      ? `its job is one of ${named(this.candidates.map((jobId) => clip(jobId)), maxCandidates)}, and they cannot be told apart: ${this.ambiguity ?? "more than one could be"}.`
      : this.lookupFailure !== undefined
      ? `the task list could not be read: ${this.lookupFailure}`
      : this.ledgerFailure !== undefined
      ? "its outcome could not be settled: the restore ledger failed."
      : `no MongodbRestoreTable task of this instance created since ${since} showed up in the task list.`
    const left = this.unsettled === undefined
      ? ""
      : ` Its outcome was not recorded: submission ${this.unsettled} is left unsettled in the restore ledger, for recover (RestoreClient.recover, dds-restore recover) to settle from the task list.` +
        (this.ledgerFailure === undefined ? "" : ` The ledger's failure: ${this.ledgerFailure.message}`)
    return `The restore on instance ${this.instanceId} submitted at ${new Date(this.submittedAt).toISOString()} may or may not have started:${lost} Then ${looked}${left} ` +
      `Before trying again, look in the task list (GET /v3.1/{project_id}/jobs?name=MongodbRestoreTable, RestoreClient.restoreTasks) or the console's task center for MongodbRestoreTable jobs of instance ${this.instanceId} since ${since}; submit again only if there is none.`
  }
}

/**
 * Why `recover` recorded no outcome for a submission:
 *
 * - `SettledElsewhere`: another process settled it while this one waited for the instance's lease;
 *   nothing is left to do.
 * - `InstanceBusy`: a live submission held the instance's lease past the wait; it stays unsettled.
 * - `LeaseLost`: this process lost the instance's lease while settling it; it stays unsettled.
 * - `TaskListUnreadable`: the task list could not be read; it stays unsettled.
 * - `LedgerError`: the restore ledger failed while it was settled (what the task list showed, a
 *   job above all, is in `problem`); it stays unsettled.
 * - `InvalidInstanceId`: an older version journaled it with an instance id that is not an id (over
 *   `RestoreClient.maxIdLength` characters, or not only letters, digits, `-` and `_`): no lease is
 *   taken and no request built from it, and its outcome is unknown; it stays unsettled.
 *
 * @since 0.2.0
 */
export type Left = "SettledElsewhere" | "InstanceBusy" | "LeaseLost" | "TaskListUnreadable" | "LedgerError" | "InvalidInstanceId"

/**
 * One unsettled submission of the ledger after `recover`: its journal entry as it was, and the
 * outcome recorded for it now (`Submitted` with the job found, `NotStarted` when no new task showed
 * up within the wait, `Unknown` with the candidates), or why none was recorded (`left`, and
 * `problem` in words: it was settled by another process meanwhile, the instance's lease is held by
 * a live submission, the task list could not be read, its instance id is not one).
 *
 * @since 0.2.0
 */
export interface Recovered {
  readonly entry: RestoreLedger.Entry
  readonly outcome: RestoreLedger.Outcome | undefined
  readonly left: Left | undefined
  readonly problem: string | undefined
}
