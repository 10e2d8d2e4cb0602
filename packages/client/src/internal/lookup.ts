/**
 * What a search of the task list for a lost answer's job finds (its job, several candidates and
 * why they cannot be told apart, none, or a list that could not be read), in words bounded however
 * many tasks the list holds, and the unknown outcome a search that found no job makes.
 */
import * as Reconcile from "../Reconcile.js"
import type * as RestoreLedger from "../RestoreLedger.js"
import type { CallError, InvalidArgument } from "../CallError.js"
import { clip, maxHolder, named } from "./segment.js"

/** What a search of the task list is about: which tasks are not this submission's to begin with. */
export interface Search {
  readonly searchFrom: number
  readonly before: ReadonlySet<string>
  /** The journal entry of the submission searched for (absent for `reconcile`). */
  readonly self: string | undefined
  readonly deadline: number
}

/** What a search found. */
export type Lookup =
  | { readonly _tag: "Found"; readonly jobId: string }
  | {
    readonly _tag: "Ambiguous"
    readonly searchedFrom: number
    readonly candidates: ReadonlyArray<string>
    readonly ambiguity: string
  }
  | { readonly _tag: "Absent"; readonly searchedFrom: number }
  | { readonly _tag: "Unreadable"; readonly searchedFrom: number; readonly failure: CallError | InvalidArgument }

/** A search that found no job. */
export type NotFound = Exclude<Lookup, { readonly _tag: "Found" }>

// The most claimed tasks an unknown outcome's reason names (with their submissions), as for its
// candidates (`Reconcile.maxCandidates`): the reason, kept in the journal, says how many there were.
const maxNamedClaims = 3
const { maxCandidates } = Reconcile

/** More than one new task that no submission holds: the first by id are the candidates. */
export const manyOpen = (searchedFrom: number, open: ReadonlyArray<string>): NotFound => ({
  _tag: "Ambiguous",
  searchedFrom,
  candidates: open.slice(0, maxCandidates),
  ambiguity: `${open.length} restore tasks new to it and held by no other submission showed up` +
    (open.length > maxCandidates ? ` (the first ${maxCandidates} by id are the candidates)` : "")
})

/** One new task, which another submission of the instance, unsettled or recorded as not started, may have started. */
export const rivalled = (searchedFrom: number, open: ReadonlyArray<string>, rival: RestoreLedger.Entry): NotFound => ({
  _tag: "Ambiguous",
  searchedFrom,
  candidates: open,
  ambiguity: `submission ${rival.id} to this instance (${clip(rival.holder, maxHolder)}, ${new Date(rival.at).toISOString()}) is ` +
    `${rival.state === "NotStarted" ? "recorded as not started" : "not settled"}, and the task may be its job`
})

/** Every new task already another submission's job (`claimed`: job id and submission, by job id). */
export const allClaimed = (searchedFrom: number, claimed: ReadonlyArray<readonly [string, string]>): NotFound => ({
  _tag: "Ambiguous",
  searchedFrom,
  candidates: claimed.slice(0, maxCandidates).map(([jobId]) => jobId),
  ambiguity: `${
    claimed.length === 1
      ? "every restore task new to it is already another submission's job"
      : `all ${claimed.length} restore tasks new to it are already other submissions' jobs`
  } (${named(claimed.map(([jobId, holder]) => `${clip(jobId)} of submission ${clip(holder)}`), maxNamedClaims)}), ` +
    "and the task list cannot tell whether it started one of them"
})

/** Why a new task is not a submission's job: another submission holds it. */
export const heldBy = (jobId: string, submission: string): string => `job ${clip(jobId)} is already the job of submission ${clip(submission)}`

/** Whether a failure is the ledger's (it failed, or the lease was lost). */
export const isLedgerFailure = (error: { readonly _tag: string }): error is RestoreLedger.LedgerError | RestoreLedger.LeaseLost =>
  error._tag === "LedgerError" || error._tag === "LeaseLost"

/**
 * The unknown outcome of a search that found no job; `unsettled`: the journal entry left unsettled
 * for `recover`, when the outcome could not be recorded (the task list could not be read, or the
 * ledger failed: `ledgerFailure`).
 */
export const outcomeUnknown = (
  id: string,
  submittedAt: number,
  found: NotFound,
  error: Reconcile.RestoreOutcomeUnknown["error"],
  unsettled?: string,
  ledgerFailure?: RestoreLedger.LedgerError | RestoreLedger.LeaseLost
) =>
  new Reconcile.RestoreOutcomeUnknown({
    instanceId: id,
    submittedAt,
    searchedFrom: found.searchedFrom,
    ...(error === undefined ? {} : { error }),
    ...(unsettled === undefined ? {} : { unsettled }),
    ...(ledgerFailure === undefined ? {} : { ledgerFailure }),
    ...(found._tag === "Unreadable" ? { lookupFailure: found.failure.message } : {}),
    ...(found._tag === "Ambiguous" ? { candidates: found.candidates, ambiguity: found.ambiguity } : {})
  })
