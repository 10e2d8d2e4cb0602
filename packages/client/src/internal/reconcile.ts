/**
 * Submitting restores and settling the ones whose answer was lost, through the restore ledger. The
 * restore POST is not idempotent, so a lost answer is never settled by resending blindly: under the
 * instance's lease, the instance's restore tasks are read just before sending (the *before set*),
 * and after a lost answer only a task that is not in the before set and that no other submission
 * of the ledger holds can be this submission's job. One such task: it is ours. More than one, or
 * one that another unsettled submission of the instance may have started, or none but new tasks
 * that other submissions hold: the outcome is unknown, with the candidates, never a guess (and
 * never not started). The skew margin only widens the span searched.
 */
import { RestorePlan, ServiceTime, Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { DdsConfig } from "../DdsConfig.js"
import type { DdsRequest } from "../DdsRequest.js"
import type { CallError, InvalidArgument } from "../CallError.js"
import * as Reconcile from "../Reconcile.js"
import type { Options, RestoreOptions, Submission } from "../RestoreClient.js"
import * as RestoreLedger from "../RestoreLedger.js"
import { leaseWait as checkedLeaseWait, reconcileSettings, submissionTime, taskSpan } from "./arguments.js"
import { allClaimed, heldBy, isLedgerFailure, type Lookup, manyOpen, type NotFound, outcomeUnknown, rivalled, type Search } from "./lookup.js"
import type { Reads } from "./reads.js"
import { type Call, ready, type Sender, until } from "./send.js"
import { clip, idFault, quote } from "./segment.js"
import { sha256Hex } from "./sha256.js"
import * as Unsettled from "./unsettled.js"

/** How the instance's lease is held. */
interface LeaseSettings {
  readonly ttl: Duration.Duration
  readonly wait: Duration.Duration
}

/** Every way holding the lease and writing to the ledger can fail. */
export type LedgerFailure = RestoreLedger.LedgerError | RestoreLedger.InstanceBusy | RestoreLedger.LeaseLost

/** Submissions to the instances of one client. */
export interface Submissions {
  /** The restore POST of a plan (already checked), before it is signed: what `submit` sends. */
  readonly request: (instanceId: string, plan: RestorePlan.RestorePlan) => DdsRequest
  /**
   * Submits a restore plan (already checked) and gives its job, settling a lost answer. `first`
   * runs under the instance's lease before anything is journaled (the preflight): what it reads
   * of the instance cannot be changed by another submission of the ledger before the plan is sent.
   */
  readonly submit: <E = never>(
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options: RestoreOptions,
    first?: Effect.Effect<void, E>
  ) => Effect.Effect<
    Submission,
    E | CallError | InvalidArgument | Reconcile.RestoreOutcomeUnknown | RestoreLedger.JobNotRecorded | LedgerFailure
  >
  /** Looks for the job of a submission made at `submittedAt` whose answer was lost. */
  readonly reconcile: (
    instanceId: string,
    submittedAt: Date | number,
    options: Reconcile.Options | undefined
  ) => Effect.Effect<Submission, Reconcile.RestoreOutcomeUnknown | RestoreLedger.JobNotRecorded | InvalidArgument | LedgerFailure>
  /** Settles every unsettled submission of the ledger made to this client's service. */
  readonly recover: (
    options: Reconcile.RecoverOptions | undefined
  ) => Effect.Effect<ReadonlyArray<Reconcile.Recovered>, InvalidArgument | RestoreLedger.LedgerError>
}

/** The submissions of one client, over its sender, reads and ledger. */
export const make = (
  sender: Sender,
  reads: Reads,
  config: DdsConfig["Type"],
  ledger: RestoreLedger.Service,
  options: Pick<Options, "holder" | "lease">
): Submissions => {
  const holder = options.holder ?? `RestoreClient ${globalThis.crypto.randomUUID()}`
  // Within their bounds: a client given options out of them is never built (see `Arguments.clientOptions`).
  const lease: LeaseSettings = {
    ttl: Duration.decode(options.lease?.ttl ?? "30 seconds"),
    wait: Duration.decode(options.lease?.wait ?? "10 minutes")
  }
  const service: RestoreLedger.ServiceKey = { endpoint: config.endpoint, projectId: config.projectId }
  const keyOf = (instanceId: string): RestoreLedger.InstanceKey => ({ ...service, instanceId })

  const restoreCall = (instanceId: string, plan: RestorePlan.RestorePlan): Call => ({
    operation: "restore",
    method: "POST",
    path: ["v3", config.projectId, "instances", instanceId, "restore", "collections"],
    body: JSON.stringify(RestorePlan.encode(plan)),
    idempotent: false
  })

  // Renewed at a third of its time to live; a lease lost to another holder is not renewed again,
  // and the holder's next write is refused by its token.
  const renewing = (held: RestoreLedger.Lease) =>
    Effect.sleep(Duration.millis(Duration.toMillis(lease.ttl) / 3)).pipe(
      Effect.zipRight(
        ledger.renew(held, lease.ttl).pipe(
          Effect.catchTag("LedgerError", (error) => Effect.logWarning(`The lease could not be renewed: ${error.message}`))
        )
      ),
      Effect.forever,
      Effect.catchTag("LeaseLost", (lost) => Effect.logWarning(lost.message))
    )

  /**
   * Runs `use` under the instance's lease, held (and renewed) until it ends, then released; waits
   * for it at most `wait` (the client's `lease.wait` unless given); runs `unheld` when it is not had.
   */
  const leased = <A, E>(
    instanceId: string,
    use: (held: RestoreLedger.Lease) => Effect.Effect<A, E>,
    wait = lease.wait,
    unheld: Effect.Effect<void> = Effect.void
  ) =>
    Effect.scoped(
      Effect.gen(function*() {
        const held = yield* Effect.acquireRelease(
          Effect.tapError(ledger.acquire(keyOf(instanceId), { holder, ttl: lease.ttl, wait }), () => unheld),
          (taken) => Effect.ignore(ledger.release(taken))
        )
        yield* Effect.forkScoped(renewing(held))
        return yield* use(held)
      })
    )

  // The instance's restore tasks that can never be a submission made at `at`'s job.
  const beforeSet = (id: string, at: number, margin: number) =>
    Effect.map(reads.tasks(id, ServiceTime.formatTaskTime(at - margin), ServiceTime.formatTaskTime(at + margin)), (tasks) => new Set(tasks.map((task) => task.id)))

  // Reads the task list until exactly one task new to the submission, held by no other submission,
  // shows up (or more than one), or the deadline passes. A new task that another submission holds
  // is not this one's job while one that nobody holds is there to be found; but when the wait ends
  // with only such tasks, the outcome is unknown with them as the candidates, never absent (the
  // claim is no proof that this submission started nothing). Runs under the instance's lease.
  const lookup = (id: string, search: Search, settings: Reconcile.Settings): Effect.Effect<Lookup, RestoreLedger.LedgerError> =>
    Effect.gen(function*() {
      const margin = Duration.toMillis(settings.clockSkewMargin)
      const searchedFrom = search.searchFrom
      let claimed: ReadonlyArray<readonly [string, string]> = []
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        // Before the deadline a read retries only while it can be done by then (another read
        // follows); the final one retries as any read: only it shows that nothing was started.
        const final = now >= search.deadline
        const read = Effect.flatMap(taskSpan("reconcile", searchedFrom, now + margin), ([start, end]) => reads.tasks(id, start, end))
        const listed = yield* Effect.either(final ? read : until(search.deadline, read))
        if (Either.isRight(listed)) {
          const fresh = [...new Set(listed.right.map((task) => task.id))].filter((jobId) => !search.before.has(jobId))
          const claims = fresh.length === 0 ? new Map<string, string>() : yield* ledger.claims(service, fresh)
          claimed = [...claims].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          const open = fresh.filter((jobId) => !claims.has(jobId)).sort()
          if (open.length > 1) {
            return manyOpen(searchedFrom, open)
          }
          const [only] = open
          if (only !== undefined) {
            // A submission of this instance whose process died, or recorded as not started, may
            // have started this task as well as this one: the task list cannot tell them apart.
            const rivals = (yield* ledger.journal(keyOf(id), searchedFrom - margin)).filter((entry) =>
              entry.id !== search.self && (RestoreLedger.isUnsettled(entry) || entry.state === "NotStarted")
            )
            const [rival] = rivals
            if (rival === undefined) return { _tag: "Found", jobId: only } as const
            return rivalled(searchedFrom, open, rival)
          }
        }
        const left = search.deadline - (yield* Clock.currentTimeMillis)
        if (final || (left <= 0 && Either.isRight(listed))) {
          return Either.isRight(listed)
            ? claimed.length > 0 ? allClaimed(searchedFrom, claimed) : { _tag: "Absent", searchedFrom } as const
            : { _tag: "Unreadable", searchedFrom, failure: listed.left } as const
        }
        // A read that failed before the deadline was not retried past it: the final read is next.
        if (left > 0) yield* Effect.sleep(Duration.millis(Either.isLeft(listed) ? left : Math.min(Duration.toMillis(settings.interval), left)))
      }
    })

  const deadlineAfter = (settings: Reconcile.Settings) =>
    Effect.map(Clock.currentTimeMillis, (now) => now + Duration.toMillis(settings.wait))

  // Only a job claims anything: any other outcome is recorded as it is.
  const record = (held: RestoreLedger.Lease, id: string, outcome: Exclude<RestoreLedger.Outcome, { readonly _tag: "Submitted" }>) =>
    ledger.settle(held, id, outcome).pipe(Effect.catchTag("JobClaimed", (claimed) => Effect.die(claimed)))

  // A job found or answered is claimed for the submission; one another submission holds already is
  // never handed out again. A job the ledger could not record is still given, in JobNotRecorded:
  // the service started it, and its id would be lost to the caller otherwise.
  const claim = (held: RestoreLedger.Lease, entry: RestoreLedger.Intent, jobId: string, reconciled: boolean) =>
    ledger.settle(held, entry.id, RestoreLedger.Outcome.Submitted({ jobId, reconciled })).pipe(
      Effect.as<Submission>({ jobId, reconciled }),
      Effect.catchIf(
        isLedgerFailure,
        (ledgerFailure) =>
          new RestoreLedger.JobNotRecorded({ instanceId: entry.key.instanceId, jobId, reconciled, submission: entry.id, ledgerFailure })
      ),
      Effect.catchTag("JobClaimed", (claimed) => {
        const found: NotFound = {
          _tag: "Ambiguous",
          searchedFrom: entry.searchFrom,
          candidates: [jobId],
          ambiguity: heldBy(jobId, claimed.submission)
        }
        return Effect.zipRight(
          record(held, entry.id, RestoreLedger.Outcome.Unknown({ candidates: [jobId], reason: found.ambiguity })),
          Effect.fail(outcomeUnknown(entry.key.instanceId, entry.at, found, undefined))
        )
      })
    )

  // A restore whose answer was lost may have started: a ledger that fails while it is settled leaves
  // it unsettled, for `recover`, and its outcome unknown, saying so (never a bare ledger error).
  const settleLost = (
    held: RestoreLedger.Lease,
    entry: RestoreLedger.Intent,
    before: ReadonlySet<string>,
    error: Reconcile.RestoreOutcomeUnknown["error"] & {},
    settings: Reconcile.Settings,
    resend: boolean
  ) =>
    Effect.gen(function*() {
      const id = entry.key.instanceId
      yield* ledger.markSent(held, entry.id, error.message)
      const search = { searchFrom: entry.searchFrom, before, self: entry.id, deadline: yield* deadlineAfter(settings) }
      const found = yield* lookup(id, search, settings)
      const recorded = (notFound: NotFound, outcome: Exclude<RestoreLedger.Outcome, { readonly _tag: "Submitted" }>) =>
        record(held, entry.id, outcome).pipe(
          Effect.catchIf(isLedgerFailure, (ledgerFailure) => outcomeUnknown(id, entry.at, notFound, error, entry.id, ledgerFailure))
        )
      switch (found._tag) {
        case "Found":
          return yield* claim(held, entry, found.jobId, true)
        case "Ambiguous":
          yield* recorded(found, RestoreLedger.Outcome.Unknown({ candidates: found.candidates, reason: found.ambiguity }))
          return yield* outcomeUnknown(id, entry.at, found, error)
        case "Absent":
          // Only a task list read to the end of the wait shows that the service started nothing.
          yield* recorded(found, RestoreLedger.Outcome.NotStarted())
          if (resend) return "Resend" as const
          return yield* outcomeUnknown(id, entry.at, found, error)
        case "Unreadable":
          // Left unsettled, and said so: `recover` reads the task list again later.
          return yield* outcomeUnknown(id, entry.at, found, error, entry.id)
      }
    }).pipe(
      Effect.catchIf(isLedgerFailure, (ledgerFailure) =>
        new Reconcile.RestoreOutcomeUnknown({
          instanceId: entry.key.instanceId,
          submittedAt: entry.at,
          searchedFrom: entry.searchFrom,
          error,
          unsettled: entry.id,
          ledgerFailure
        }))
    )

  // In a paced batch, the lease is taken once the pace has room for the restore's requests: a
  // restore queued behind the batch's earlier ones holds no lease, so another runner sharing the
  // ledger with room to spare restores the instance meanwhile. One that does not get the lease
  // sends nothing and hands its slot on to the batch's next restore.
  const submit: Submissions["submit"] = (id, plan, options, first) =>
    Effect.flatMap(reconcileSettings("restore", "reconcile.", options.reconcile), (settings) =>
      Effect.flatMap(ready, (handOn) => leased(id, (held) =>
        Effect.gen(function*() {
          if (first !== undefined) yield* first
          const margin = Duration.toMillis(settings.clockSkewMargin)
          const call = restoreCall(id, plan)
          // Synchronous: nothing under the lease waits on real time outside Effect's Clock.
          const hash = sha256Hex(call.body ?? "")
          let resends = options.resubmitIfAbsent === true ? 1 : 0
          for (;;) {
            const at = yield* Clock.currentTimeMillis
            // Read before anything is sent: without it, no lost answer could be settled.
            const before = yield* beforeSet(id, at, margin)
            const entry: RestoreLedger.Intent = {
              id: globalThis.crypto.randomUUID(),
              key: keyOf(id),
              holder,
              at,
              body: call.body ?? "",
              hash,
              searchFrom: at - margin,
              before: [...before].sort()
            }
            yield* ledger.record(held, entry)
            const sent = yield* Effect.either(sender.send(call, Wire.RestoreResponse))
            if (Either.isRight(sent)) return yield* claim(held, entry, sent.right.value.job_id, false)
            const error = sent.left
            if (!Reconcile.isAnswerLost(error)) {
              // The refusal is what the caller needs (nothing started, and why): a ledger that cannot
              // record it is said in a warning, and recover settles the submission later.
              yield* record(held, entry.id, RestoreLedger.Outcome.Refused({ error: error.message })).pipe(
                Effect.catchIf(isLedgerFailure, (ledgerFailure) =>
                  Effect.logWarning(
                    `The refusal of submission ${entry.id} to instance ${id} could not be recorded: ${ledgerFailure.message} ` +
                      "It stays unsettled in the restore ledger until recover (dds-restore recover, RestoreClient.recover) settles it."
                  ))
              )
              return yield* Effect.fail(error)
            }
            yield* Effect.logWarning(`The answer to a restore on instance ${id} was lost; looking for its job in the task list`)
            const settled = yield* settleLost(held, entry, before, error, settings, resends > 0)
            if (settled !== "Resend") return settled
            resends--
          }
        }), options.leaseWait === undefined ? undefined : Duration.decode(options.leaseWait), handOn)))

  const reconcile: Submissions["reconcile"] = (id, submittedAt, options) =>
    Effect.gen(function*() {
      const settings = yield* reconcileSettings("reconcile", "", options)
      const margin = Duration.toMillis(settings.clockSkewMargin)
      // Refused before any read: an instant the task list cannot be searched from.
      const at = yield* submissionTime("reconcile", submittedAt, yield* Clock.currentTimeMillis, margin)
      return yield* leased(id, (held) =>
        Effect.gen(function*() {
          const search = { searchFrom: at - margin, before: new Set<string>(), self: undefined, deadline: yield* deadlineAfter(settings) }
          const found = yield* lookup(id, search, settings)
          if (found._tag !== "Found") return yield* outcomeUnknown(id, at, found, undefined)
          // A submission made elsewhere: journaled now, so that its job is claimed like any other.
          const entry: RestoreLedger.Intent = {
            id: globalThis.crypto.randomUUID(),
            key: keyOf(id),
            holder,
            at,
            body: "",
            hash: "",
            searchFrom: search.searchFrom,
            before: []
          }
          // The job found is the caller's answer: a ledger that cannot journal it does not lose it.
          const unrecorded = (ledgerFailure: RestoreLedger.LedgerError | RestoreLedger.LeaseLost) =>
            new RestoreLedger.JobNotRecorded({ instanceId: id, jobId: found.jobId, reconciled: true, ledgerFailure })
          yield* ledger.record(held, entry).pipe(Effect.catchIf(isLedgerFailure, (failure) => Effect.fail(unrecorded(failure))))
          return yield* claim(held, entry, found.jobId, true)
        }))
    })

  // An older version journaled any instance id: one that is not an id today is left as it is, no
  // lease taken and no request built from it (an unsafe one may even have reached another instance).
  const unfit = (entry: RestoreLedger.Entry, fault: string) =>
    Effect.succeed({
      entry,
      outcome: undefined,
      left: "InvalidInstanceId",
      problem: `submission ${quote(entry.id)}, journaled by an older version, is left unsettled: its instance id ${fault} ` +
        "No request is built from it, so the task list cannot settle it: whether its restore started is unknown."
    } as const)

  const recoverOne = (entry: RestoreLedger.Entry, settings: Reconcile.Settings, wait: Duration.Duration): Effect.Effect<Reconcile.Recovered> => {
    const fault = idFault(entry.key.instanceId)
    if (fault !== undefined) return unfit(entry, fault)
    return leased(entry.key.instanceId, (held) =>
      Effect.gen(function*() {
        // Another process may have settled it while this one waited for the lease.
        const still = yield* Unsettled.still(ledger, entry)
        if (!still) return { entry, outcome: undefined, left: "SettledElsewhere", problem: "settled by another process meanwhile" } as const
        const now = yield* Clock.currentTimeMillis
        // A task takes a few seconds to show: a submission younger than the wait is waited for.
        const deadline = Math.max(now, entry.at + Duration.toMillis(settings.wait))
        const found = yield* lookup(entry.key.instanceId, {
          searchFrom: entry.searchFrom,
          before: new Set(entry.before),
          self: entry.id,
          deadline
        }, settings)
        const outcome = found._tag === "Found"
          ? RestoreLedger.Outcome.Submitted({ jobId: found.jobId, reconciled: true })
          : found._tag === "Ambiguous"
          ? RestoreLedger.Outcome.Unknown({ candidates: found.candidates, reason: found.ambiguity })
          : found._tag === "Absent"
          ? RestoreLedger.Outcome.NotStarted()
          : undefined
        if (outcome === undefined) {
          return {
            entry,
            outcome,
            left: "TaskListUnreadable",
            problem: `the task list could not be read: ${found._tag === "Unreadable" ? found.failure.message : ""}`
          } as const
        }
        const settled = yield* Effect.either(ledger.settle(held, entry.id, outcome).pipe(
          Effect.as(outcome),
          Effect.catchTag("JobClaimed", (claimed) => {
            const unknown = RestoreLedger.Outcome.Unknown({
              candidates: [claimed.jobId],
              reason: heldBy(claimed.jobId, claimed.submission)
            })
            return Effect.as(record(held, entry.id, unknown), unknown)
          })
        ))
        if (Either.isRight(settled)) return { entry, outcome: settled.right, left: undefined, problem: undefined }
        // What the task list showed is said, its job above all, when the ledger cannot record it.
        const shown = outcome._tag === "Submitted"
          ? `its job ${clip(outcome.jobId)} was found in the task list`
          : outcome._tag === "NotStarted"
          ? "no task of it showed up in the task list (not started)"
          : "the task list could not tell its job (unknown)"
        return { entry, outcome: undefined, left: settled.left._tag, problem: `${shown}, but could not be recorded: ${settled.left.message}` } as const
      }), wait).pipe(
        Effect.catchTags({
          InstanceBusy: (busy) => Effect.succeed({ entry, outcome: undefined, left: "InstanceBusy", problem: busy.message } as const),
          LedgerError: (failed) => Effect.succeed({ entry, outcome: undefined, left: "LedgerError", problem: failed.message } as const)
        })
      )
  }

  const recover: Submissions["recover"] = ({ leaseWait, ...options } = {}) =>
    Effect.gen(function*() {
      // Checked before the ledger is read: a wait that cannot be used settles nothing.
      const given = leaseWait === undefined ? undefined : yield* checkedLeaseWait("recover", leaseWait)
      const settings = yield* reconcileSettings("recover", "", options)
      // Only this service's task list can settle them: those of other endpoints or projects are left.
      return yield* Unsettled.forEach(ledger, service, (entry) => recoverOne(entry, settings, given ?? lease.wait), 4)
    })

  return { request: (id, plan) => sender.request(restoreCall(id, plan)), submit, reconcile, recover }
}
