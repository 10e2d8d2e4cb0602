/**
 * The work of `dds-restore recover`: every unsettled submission of the ledger to the target
 * service, settled from its task list with the same attribution as a restore (`RestoreClient.recover`),
 * a result per submission, and the exit code of the most severe.
 *
 * @since 0.2.0
 */
import { Reconcile, RestoreClient, type RestoreLedger } from "@dds-restore/client"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as Output from "../Output.js"
import { printable } from "../Printable.js"
import * as Target from "../Target.js"
import * as Ledger from "./Ledger.js"

/**
 * The parsed options of `recover`.
 *
 * @since 0.2.0
 */
export interface Input extends Global.Settings {
  /** How long to wait for an instance's lease a live submission holds. */
  readonly leaseWait: Duration.Duration
  readonly json: boolean
}

/**
 * What recovery made of one submission, as the command line reports it.
 *
 * - `Found`: its job was found in the task list and recorded.
 * - `NotStarted`: no new restore task showed up within the wait: recorded as not started.
 * - `Unknown`: more than one task could be its job: recorded as unknown with the candidates.
 * - `SettledElsewhere`: another process settled it meanwhile.
 * - `Unsettled`: left as it was (its instance busy, the lease lost, the task list unreadable, its
 *   instance id, journaled by an older version, not an id).
 *
 * @since 0.2.0
 */
export type Result = "Found" | "NotStarted" | "Unknown" | "SettledElsewhere" | "Unsettled"

/**
 * The result of one recovered submission.
 *
 * @since 0.2.0
 */
export const resultOf = (recovered: Reconcile.Recovered): Result => {
  if (recovered.outcome === undefined) return recovered.left === "SettledElsewhere" ? "SettledElsewhere" : "Unsettled"
  switch (recovered.outcome._tag) {
    case "Submitted":
      return "Found"
    case "NotStarted":
      return "NotStarted"
    default:
      return "Unknown"
  }
}

/**
 * Why a submission did not end with a known outcome, as a failure (its exit code from `Failure`);
 * `undefined` when it did.
 *
 * @since 0.2.0
 */
export const failureOf = (recovered: Reconcile.Recovered): Failure.Reportable | undefined => {
  const { entry, left, outcome, problem } = recovered
  if (outcome?._tag === "Unknown" || outcome?._tag === "Refused") {
    const candidates = outcome._tag === "Unknown" ? outcome.candidates : []
    return new Reconcile.RestoreOutcomeUnknown({
      instanceId: entry.key.instanceId,
      submittedAt: entry.at,
      searchedFrom: entry.searchFrom,
      ...(candidates.length === 0 ? {} : { candidates, ambiguity: outcome._tag === "Unknown" ? outcome.reason : "" })
    })
  }
  if (outcome !== undefined || left === undefined || left === "SettledElsewhere") return undefined
  return { _tag: left, message: problem ?? left }
}

/**
 * The exit code of one recovered submission.
 *
 * @since 0.2.0
 */
export const exitCode = (recovered: Reconcile.Recovered): number => {
  const failure = failureOf(recovered)
  return failure === undefined ? Failure.ExitCode.done : Failure.exitCodeOf(failure)
}

/**
 * The JSON document of one recovered submission: the journal entry as it is now, its `result`,
 * and, when its outcome is not known, its `error` with its exit code.
 *
 * @since 0.2.0
 */
export const document = (recovered: Reconcile.Recovered): Record<string, unknown> => {
  const failure = failureOf(recovered)
  return {
    ...Ledger.document(settled(recovered)),
    result: resultOf(recovered),
    ...(recovered.left === "SettledElsewhere" ? { note: recovered.problem } : {}),
    ...(failure === undefined ? {} : Failure.toJson(failure))
  }
}

// The entry with the outcome recovery recorded for it.
const settled = ({ entry, outcome }: Reconcile.Recovered): RestoreLedger.Entry =>
  outcome === undefined ? entry : { ...entry, state: outcome._tag, outcome }

/**
 * One recovered submission as a line of text.
 *
 * @since 0.2.0
 */
export const line = (recovered: Reconcile.Recovered): string => {
  const entry = settled(recovered)
  const where = `${new Date(entry.at).toISOString()}  ${printable(entry.key.instanceId)}  submission ${printable(entry.id)}`
  switch (resultOf(recovered)) {
    case "Found":
    case "NotStarted":
    case "Unknown":
      return `${where}: ${Ledger.outcomeText(entry)}`
    case "SettledElsewhere":
      return `${where}: settled by another process meanwhile`
    case "Unsettled":
      return `${where}: left unsettled: ${printable(recovered.problem ?? "")}`
  }
}

/**
 * Settles what can be settled, a result per submission, and ends with the exit code of the most
 * severe (the highest: 4 unknown, 2 service or busy instance), 0 when every outcome is known.
 *
 * @since 0.2.0
 */
export const run = ({ json, leaseWait, ...own }: Input) =>
  Effect.gen(function*() {
    const recovered = yield* Effect.flatMap(RestoreClient.RestoreClient, (client) => client.recover({ leaseWait })).pipe(Target.provide(own))
    if (json) {
      yield* Output.json({ recovered: recovered.map(document) })
    } else if (recovered.length === 0) {
      yield* Output.line("Nothing to recover: every submission of the ledger to this service is settled.")
    } else {
      for (const r of recovered) yield* Output.line(line(r))
    }
    const code = recovered.reduce<number>((worst, r) => Math.max(worst, exitCode(r)), Failure.ExitCode.done)
    if (code !== Failure.ExitCode.done) return yield* Effect.fail(new Failure.Exit({ code }))
  }).pipe(Failure.report(json))
