/**
 * The restore ledger: what every process that restores on the same service shares, so that a
 * restore is never started twice and whoever submitted it gets its own job. It holds a lease per
 * instance (one submission at a time, with a time to live and a fencing token), the journal of
 * every submission (its plan, the restore tasks that existed before it, then its outcome), and the
 * job ids already claimed. `layerMemory` keeps it in this process (the default of
 * `RestoreClient.layer()`); `@dds-restore/ledger-sql` keeps it in SQLite or PostgreSQL, shared by
 * many processes.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Memory from "./internal/ledgerMemory.js"
import { clip, maxHolder } from "./internal/segment.js"

/**
 * What a lease and a journal entry are about: the service (its endpoint and the project) and one
 * instance of it. The endpoint is part of every key: the same instance ids can live behind two
 * endpoints (two emulators, two regions).
 *
 * @since 0.2.0
 */
export interface InstanceKey {
  readonly endpoint: string
  readonly projectId: string
  readonly instanceId: string
}

/**
 * The service part of a key, which job ids are unique within.
 *
 * @since 0.2.0
 */
export type ServiceKey = Omit<InstanceKey, "instanceId">

/**
 * The right to submit a restore to one instance until `expiresAt` (epoch ms), renewable. `token`
 * grows with every holder of the instance's lease: a write made with an older token is refused, so
 * a holder that lost its lease (it stalled past its time to live and another took over) cannot
 * write an outcome.
 *
 * @since 0.2.0
 */
export interface Lease {
  readonly key: InstanceKey
  readonly holder: string
  readonly token: number
  readonly expiresAt: number
}

/**
 * How `acquire` waits: `holder` names who asks (recorded in the lease), `ttl` is the time to live
 * of the lease, `wait` how long to wait while another holder has it.
 *
 * @since 0.2.0
 */
export interface AcquireOptions {
  readonly holder: string
  readonly ttl: Duration.DurationInput
  readonly wait: Duration.DurationInput
}

/**
 * The shortest time to live of the leases a `RestoreClient` takes (its `lease.ttl`), 2 seconds: a
 * lease is renewed at a third of it, so a shorter one can run out on a loaded machine while its
 * holder lives. A `lease.ttl` out of `minLeaseTtl` to `maxLeaseTtl` is refused with
 * `InvalidArgument` by every call that takes a lease, before anything is sent.
 *
 * @since 0.2.0
 */
export const minLeaseTtl: Duration.Duration = Duration.seconds(2)

/**
 * The longest time to live of the leases a `RestoreClient` takes, 10 minutes: a lease whose holder
 * died keeps its instance locked until it runs out.
 *
 * @since 0.2.0
 */
export const maxLeaseTtl: Duration.Duration = Duration.minutes(10)

/**
 * A submission as it is journaled before it is sent: who, when, where, the plan's wire body and
 * its SHA-256 (hex), and the *before set*, the ids of the instance's restore tasks of the search
 * span (from `searchFrom`) read just before sending, which can never be this submission's job.
 *
 * @since 0.2.0
 */
export interface Intent {
  readonly id: string
  readonly key: InstanceKey
  readonly holder: string
  readonly at: number
  readonly body: string
  readonly hash: string
  readonly searchFrom: number
  readonly before: ReadonlyArray<string>
}

/**
 * How a submission ended, as the ledger records it.
 *
 * - `Submitted`: its job (`reconciled` when the answer was lost and the job found in the task list).
 * - `Refused`: the service refused it; nothing was started (`error` is the service's error message).
 * - `Unknown`: its answer was lost and the task list could not tell: the new tasks that could be
 *   its job are `candidates` (none, when the list could not be read).
 * - `NotStarted`: its answer was lost and no new task showed up within the wait: nothing was
 *   started; the plan is in the entry, to submit again.
 *
 * @since 0.2.0
 */
export type Outcome = Data.TaggedEnum<{
  Submitted: { readonly jobId: string; readonly reconciled: boolean }
  Refused: { readonly error: string }
  Unknown: { readonly candidates: ReadonlyArray<string>; readonly reason: string }
  NotStarted: {}
}>

/**
 * Builds an `Outcome`.
 *
 * @since 0.2.0
 */
export const Outcome = Data.taggedEnum<Outcome>()

/**
 * Where a submission is: `Intent` (journaled, maybe sent: its process may have died), `Sent` (its
 * answer was lost, its job is being looked for), or settled with its outcome.
 *
 * @since 0.2.0
 */
export type State = "Intent" | "Sent" | Outcome["_tag"]

/**
 * One submission of the journal, with where it is.
 *
 * @since 0.2.0
 */
export interface Entry extends Intent {
  readonly state: State
  /** Why the answer is missing, once it was lost. */
  readonly lostAnswer: string | undefined
  /** When it was settled, epoch ms. */
  readonly settledAt: number | undefined
  /** The settled outcome; absent while `Intent` or `Sent`. */
  readonly outcome: Outcome | undefined
}

/**
 * Whether an entry still waits to be settled (its process may have died after sending).
 *
 * @since 0.2.0
 */
export const isUnsettled = (entry: Entry): boolean => entry.state === "Intent" || entry.state === "Sent"

/**
 * A submission's place in the journal's order, oldest first: when it was made (`at`), then its id.
 *
 * @since 0.2.0
 */
export interface Position {
  readonly at: number
  readonly id: string
}

/**
 * Which page of the unsettled submissions to read: those after `after` (the last one of the page
 * read before; from the oldest when absent), at most `limit` of them (`unsettledLimit` when absent,
 * and never more). A page that comes back full may be followed by more: read on after its last.
 *
 * @since 0.2.0
 */
export interface UnsettledPage {
  readonly after?: Position | undefined
  readonly limit?: number | undefined
}

/**
 * The most unsettled submissions one read gives (`Service.unsettled`): the ledger is read a page
 * at a time, never whole.
 *
 * @since 0.2.0
 */
export const unsettledLimit = 100

/**
 * How many unsettled submissions a read of `page` gives at most: its `limit` as a whole number
 * from 1 to `unsettledLimit`, or `unsettledLimit` when it has none (or none that is a number).
 *
 * @since 0.2.0
 */
export const pageSize = (page?: UnsettledPage): number => {
  const limit = page?.limit
  return limit === undefined || Number.isNaN(limit) ? unsettledLimit : Math.min(unsettledLimit, Math.max(1, Math.floor(limit)))
}

/**
 * The ledger cannot be used: it cannot be created or opened, it is not a ledger, it is corrupt or
 * locked, or it was written by a newer version. Nothing was sent.
 *
 * @since 0.2.0
 */
export class LedgerError extends Schema.TaggedError<LedgerError>("@dds-restore/client/LedgerError")("LedgerError", {
  /** The ledger, as the user named it (a file path; a URL without its password). */
  ledger: Schema.String,
  reason: Schema.Literal("Unopenable", "NotALedger", "Corrupt", "Locked", "NewerSchema", "Failed"),
  /** What happened, and what to do. */
  detail: Schema.String
}) {
  /** @since 0.2.0 */
  override get message(): string {
    return `The restore ledger ${this.ledger} cannot be used (${this.reason}): ${this.detail}`
  }
}

/**
 * Another submission holds the lease of the instance for longer than the wait.
 *
 * @since 0.2.0
 */
export class InstanceBusy extends Schema.TaggedError<InstanceBusy>("@dds-restore/client/InstanceBusy")("InstanceBusy", {
  instanceId: Schema.String,
  /** Who holds it. */
  holder: Schema.String,
  /** Until when, epoch ms, unless renewed. */
  expiresAt: Schema.Number,
  /** How long this caller waited, ms. */
  waited: Schema.Number
}) {
  /** @since 0.2.0 */
  override get message(): string {
    return `Instance ${this.instanceId} is busy: another submission (${clip(this.holder, maxHolder)}) holds its lease until ` +
      `${new Date(this.expiresAt).toISOString()} unless renewed, and it was not released within ${this.waited} ms. ` +
      "Nothing was sent; try again once that submission is settled (dds-restore ledger lists it)."
  }
}

/**
 * A write under a lease that is no longer this holder's: another holder took the instance's lease
 * after this one's time to live ran out. The write was refused.
 *
 * @since 0.2.0
 */
export class LeaseLost extends Schema.TaggedError<LeaseLost>("@dds-restore/client/LeaseLost")("LeaseLost", {
  instanceId: Schema.String,
  /** The fencing token the write carried. */
  token: Schema.Number,
  /** The token of the lease now, when there is one. */
  current: Schema.optionalWith(Schema.Number, { exact: true })
}) {
  /** @since 0.2.0 */
  override get message(): string {
    return `The lease of instance ${this.instanceId} (token ${this.token}) was lost` +
      (this.current === undefined ? "" : ` to token ${this.current}`) +
      ": its time to live ran out and another submission took it, so this write was refused. " +
      "The submission is settled by `dds-restore recover` (RestoreClient.recover)."
  }
}

/**
 * A job id that another submission of the ledger already holds.
 *
 * @since 0.2.0
 */
export class JobClaimed extends Schema.TaggedError<JobClaimed>("@dds-restore/client/JobClaimed")("JobClaimed", {
  jobId: Schema.String,
  /** The submission that holds it. */
  submission: Schema.String
}) {
  /** @since 0.2.0 */
  override get message(): string {
    return `Job ${clip(this.jobId)} is already the job of submission ${clip(this.submission)}; it was not given to another.`
  }
}

/**
 * A restore the service started, whose job could not be recorded in the restore ledger: the write
 * of its outcome failed (`LedgerError`), or was refused because another process had taken the
 * instance's lease (`LeaseLost`). The job exists and runs, with this id. The submission's journal
 * entry is left unsettled: until `RestoreClient.recover` (`dds-restore recover`) finds the job in
 * the task list and records it, the ledger does not know it, and a lost answer of another
 * submission to the instance cannot be told apart from it. Never submit the restore again.
 *
 * @since 0.2.0
 */
export class JobNotRecorded extends Schema.TaggedError<JobNotRecorded>("@dds-restore/client/JobNotRecorded")("JobNotRecorded", {
  instanceId: Schema.String,
  /** The job the service started for the restore. */
  jobId: Schema.String,
  /** Whether the answer was lost and the job found in the task list instead. */
  reconciled: Schema.Boolean,
  /**
   * The submission's journal entry, left unsettled; absent when `reconcile` found the job of a
   * submission made elsewhere and could not journal it at all.
   */
  submission: Schema.optionalWith(Schema.String, { exact: true }),
  /** Why the outcome could not be recorded. */
  ledgerFailure: Schema.Union(LedgerError, LeaseLost)
}) {
  /** @since 0.2.0 */
  override get message(): string {
    const found = this.reconciled ? " (its answer was lost; the job was found in the task list)" : ""
    const unknown = this.ledgerFailure._tag === "LeaseLost"
      ? `Unless the process that took the lease has recorded it since, the restore ledger does not know this job yet`
      : "The restore ledger does not know this job yet"
    const recover = this.submission === undefined
      ? ": nothing of it was journaled, so recover has nothing to settle"
      : `: run recover (dds-restore recover, RestoreClient.recover) once the ledger can be used, to record it for submission ${this.submission}, left unsettled`
    // The service's id, shown bounded: `jobId` holds it whole.
    const job = clip(this.jobId)
    return `The restore on instance ${this.instanceId} created job ${job}${found}, but its outcome could not be recorded: ` +
      `${this.ledgerFailure.message} ${unknown}${recover}. Do not submit the restore again: follow job ${job} ` +
      `(dds-restore job ${job} --wait, RestoreClient.waitForJob).`
  }
}

/**
 * What a restore ledger offers. Every write carries the writer's lease and is refused with
 * `LeaseLost` when the lease of its instance has another token now.
 *
 * @since 0.2.0
 */
export interface Service {
  /** Takes the instance's lease, waiting up to `wait` while a live holder has it. */
  readonly acquire: (key: InstanceKey, options: AcquireOptions) => Effect.Effect<Lease, InstanceBusy | LedgerError>
  /** Extends a held lease by `ttl` from now. */
  readonly renew: (lease: Lease, ttl: Duration.DurationInput) => Effect.Effect<Lease, LeaseLost | LedgerError>
  /** Gives a lease back (nothing happens when it is no longer this holder's). */
  readonly release: (lease: Lease) => Effect.Effect<void, LedgerError>
  /** Journals a submission before it is sent. */
  readonly record: (lease: Lease, intent: Intent) => Effect.Effect<void, LeaseLost | LedgerError>
  /** Records that a submission's answer was lost, and why. */
  readonly markSent: (lease: Lease, id: string, lostAnswer: string) => Effect.Effect<void, LeaseLost | LedgerError>
  /** Settles a submission; a `Submitted` outcome claims its job id, once in the whole ledger. */
  readonly settle: (
    lease: Lease,
    id: string,
    outcome: Outcome
  ) => Effect.Effect<void, LeaseLost | JobClaimed | LedgerError>
  /** Which of these job ids of a service are claimed, each with the submission that holds it. */
  readonly claims: (
    service: ServiceKey,
    jobIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, string>, LedgerError>
  /**
   * A page of the unsettled submissions (`Intent` or `Sent`), oldest first (by `at`, then id), of
   * one instance (an `InstanceKey`), of one service (a `ServiceKey`: every instance of its endpoint
   * and project) or of every one: at most `pageSize(page)`, after `page.after`. A full page may be
   * followed by more.
   */
  readonly unsettled: (scope?: ServiceKey | InstanceKey, page?: UnsettledPage) => Effect.Effect<ReadonlyArray<Entry>, LedgerError>
  /** The submissions to one instance made at or after `since` (epoch ms), oldest first. */
  readonly journal: (key: InstanceKey, since: number) => Effect.Effect<ReadonlyArray<Entry>, LedgerError>
  /** The most recent submissions, newest first. */
  readonly recent: (limit: number) => Effect.Effect<ReadonlyArray<Entry>, LedgerError>
  /**
   * The leases of the instances, latest expiry first, at most `limit`: each instance's lease stays
   * with its last holder and token once released (its expiry then in the past), so that the next
   * holder's token grows.
   */
  readonly leases: (limit: number) => Effect.Effect<ReadonlyArray<Lease>, LedgerError>
  /** How many leases and submissions the ledger holds in all (to say how many a listing left out). */
  readonly size: Effect.Effect<Size, LedgerError>
}

/**
 * How many leases (one per instance ever submitted to) and submissions a ledger holds.
 *
 * @since 0.2.0
 */
export interface Size {
  readonly leases: number
  readonly submissions: number
}

/**
 * The restore ledger.
 *
 * @since 0.2.0
 */
export class RestoreLedger extends Context.Tag("@dds-restore/client/RestoreLedger")<RestoreLedger, Service>() {}

/**
 * A key as one string, for maps and logs.
 *
 * @since 0.2.0
 */
export const keyString = (key: InstanceKey): string => `${key.endpoint} ${key.projectId} ${key.instanceId}`

/**
 * A ledger in this process's memory: what one process's submissions share, gone when it ends.
 *
 * @since 0.2.0
 */
export const makeMemory: Effect.Effect<Service> = Effect.suspend(() => Memory.make)

/**
 * A layer providing a ledger in this process's memory (see `makeMemory`).
 *
 * @since 0.2.0
 */
export const layerMemory: Layer.Layer<RestoreLedger> = Layer.effect(RestoreLedger, makeMemory)
