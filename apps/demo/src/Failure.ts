/**
 * How a command ends when something went wrong: the exit code each kind of failure gets, the text
 * for people on standard error, and, with `--json`, the one JSON document on standard output.
 *
 * Exit codes: 0 done; 1 invalid input or plan (preflight problems included); 2 a service or
 * transport error, a restore ledger that cannot be used, an instance busy with another
 * process's submission; 3 the restore job failed; 4 the outcome is unknown (a restore whose answer
 * was lost and whose job could not be found or could be another's, a submission whose lease was
 * lost before it could record its outcome, a job created but not recorded in the ledger (the error
 * names the job, and `recover` records it), or a job still running when the wait ran out); 130 or
 * 143 interrupted by SIGINT or SIGTERM (`Interruption.exitCodes`, set where the interruption is
 * reported); 141 standard output's reader went away (EPIPE, see `main.ts`). A defect exits 2.
 *
 * @since 0.1.0
 */
import type { CallError, JobWatch, Preflight, Reconcile, RestoreLedger } from "@dds-restore/client"
import { PlanError } from "@dds-restore/domain"
import type { Emulator, EmulatorMain, EmulatorOptions } from "@dds-restore/emulator"
import type { Credentials } from "@dds-restore/signer-aksk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type { InstancesFileError } from "./InstancesFile.js"
import * as Interruption from "./Interruption.js"
import * as Output from "./Output.js"
import type { PlanFileError } from "./PlanFile.js"
import type { InvalidSetting } from "./Target.js"
import type { TargetError } from "./TargetError.js"

/**
 * The exit codes of the command line.
 *
 * @since 0.1.0
 */
export const ExitCode = { done: 0, invalid: 1, service: 2, jobFailed: 3, unknown: 4 } as const

/**
 * A command has written what it had to say about a failure and ends with this exit code.
 *
 * @since 0.1.0
 */
export class Exit extends Data.TaggedError("Exit")<{ readonly code: number }> {}

/**
 * Every failure a command can end with. A command whose errors are not all here does not compile
 * (`report` takes only their tags), and neither does this module until a new one has its exit code.
 *
 * @since 0.1.0
 */
export type Failure =
  | PlanError.PlanError
  | PlanFileError
  | InstancesFileError
  | Preflight.PreflightFailed
  | CallError.InvalidArgument
  | TargetError
  | InvalidSetting
  | Credentials.CredentialsError
  | EmulatorOptions.InvalidOption
  | EmulatorMain.SeedFileError
  | Emulator.EmulatorError
  | CallError.CallError
  | CallError.InstanceNotFound
  | RestoreLedger.LedgerError
  | RestoreLedger.InstanceBusy
  | RestoreLedger.LeaseLost
  | RestoreLedger.JobNotRecorded
  | JobWatch.JobNotFound
  | JobWatch.JobFailed
  | Reconcile.RestoreOutcomeUnknown
  | JobWatch.JobWaitTimeout

/**
 * A failure's tag, or how a piece of work ended without one: interrupted, a defect, or (for
 * `recover`) a submission left unsettled because its instance's task list could not be read, or
 * because an older version journaled it with an instance id that is not one.
 *
 * @since 0.1.0
 */
export type Tag = Failure["_tag"] | "Interrupted" | "Defect" | "TaskListUnreadable" | "InvalidInstanceId"

/**
 * What this module reports: a failure, or a refusal the command line makes itself under one of the
 * failures' tags (the wizard with no terminal is an `InvalidOption`). Its tag has an exit code, so
 * a new kind of failure has to be given one before anything can report it.
 *
 * @since 0.1.0
 */
export interface Reportable {
  readonly _tag: Tag
  readonly message: string
}

const exitCodes: { readonly [T in Tag]: number } = {
  PlanError: ExitCode.invalid,
  PlanFileError: ExitCode.invalid,
  InstancesFileError: ExitCode.invalid,
  PreflightFailed: ExitCode.invalid,
  InvalidArgument: ExitCode.invalid,
  TargetError: ExitCode.invalid,
  CredentialsError: ExitCode.invalid,
  InvalidOption: ExitCode.invalid,
  SeedFileError: ExitCode.invalid,
  EmulatorError: ExitCode.invalid,
  InvalidSetting: ExitCode.invalid,
  ServiceError: ExitCode.service,
  TransportError: ExitCode.service,
  SignerError: ExitCode.service,
  ResponseDecodeError: ExitCode.service,
  InstanceNotFound: ExitCode.service,
  LedgerError: ExitCode.service,
  InstanceBusy: ExitCode.service,
  TaskListUnreadable: ExitCode.service,
  JobNotFound: ExitCode.service,
  JobFailed: ExitCode.jobFailed,
  RestoreOutcomeUnknown: ExitCode.unknown,
  LeaseLost: ExitCode.unknown,
  // Not 2: the restore was started, and a script that submits again after a ledger error would
  // start it twice; the error names the job to follow.
  JobNotRecorded: ExitCode.unknown,
  JobWaitTimeout: ExitCode.unknown,
  // Not 2: recover can never settle it (no request is built from its id), and its restore may
  // have started: trying again later does not help, someone has to look.
  InvalidInstanceId: ExitCode.unknown,
  // A piece of work is interrupted only when SIGINT or SIGTERM interrupts the whole run, which then
  // exits with the signal's code (130 or 143), given by `Interruption.report`, not read from here.
  // SIGINT's code here, so that no interrupted result reads as a service error.
  Interrupted: Interruption.exitCodes.SIGINT,
  Defect: ExitCode.service
}

/**
 * The exit code of a failure.
 *
 * @since 0.1.0
 */
export const exitCodeOf = (failure: { readonly _tag: Tag }): number => exitCodes[failure._tag]

const isPlanError = (failure: Reportable): failure is PlanError.PlanError => failure instanceof PlanError.PlanError

// By its tag, so that this module (loaded by every command) does not load the client.
const isPreflightFailed = (failure: Reportable): failure is Preflight.PreflightFailed => failure._tag === "PreflightFailed"

/**
 * The problems of a preflight, two lines each: `[kind] path: message`, then the hint.
 *
 * @since 0.1.0
 */
export const problemLines = (report: Preflight.PreflightReport): ReadonlyArray<string> =>
  report.problems.flatMap((problem) => [
    `  [${problem.kind}] ${problem.path.length === 0 ? "instance" : PlanError.formatPath(problem.path)}: ${problem.message}`,
    `      ${problem.hint}`
  ])

/**
 * The text for people: a plan's issues or a preflight's problems one per line with their paths,
 * otherwise the message.
 *
 * @since 0.1.0
 */
export const describe = (failure: Reportable): string => {
  if (isPlanError(failure)) {
    const count = failure.count
    const more = count - failure.issues.length
    return [
      `The plan is invalid (${count} ${count === 1 ? "issue" : "issues"}):`,
      ...failure.issues.map((issue) => `  ${PlanError.formatPath(issue.path)}: ${issue.message}`),
      ...(more > 0 ? [`  and ${more} more ${more === 1 ? "issue" : "issues"}`] : [])
    ].join("\n")
  }
  if (isPreflightFailed(failure)) {
    const count = failure.report.problems.length
    return [
      `The preflight on instance ${failure.report.instanceId} found ${count} ${count === 1 ? "problem" : "problems"}; nothing was submitted:`,
      ...problemLines(failure.report)
    ].join("\n")
  }
  return `error: ${failure.message}`
}

const hidden = new Set(["_tag", "message", "stack", "name", "cause"])

/**
 * A value as plain JSON: errors as `{ tag, message, ...fields }`, `Redacted` values left out
 * entirely (they are secrets, even when redacted), functions and symbols dropped.
 *
 * @since 0.1.0
 */
export const plain = (value: unknown): unknown => {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value
  if (Redacted.isRedacted(value)) return undefined
  if (Array.isArray(value)) return value.map(plain).filter((item) => item !== undefined)
  if (value instanceof Date) return value.toISOString()
  if (!Predicate.isObject(value) || typeof value === "function") return undefined
  const out: Record<string, unknown> = {}
  if (value instanceof Error) {
    out["tag"] = Predicate.hasProperty(value, "_tag") && typeof value._tag === "string" ? value._tag : value.name
    out["message"] = value.message
  }
  for (const [key, field] of Object.entries(value)) {
    if (value instanceof Error && hidden.has(key)) continue
    const converted = plain(field)
    if (converted !== undefined) out[key] = converted
  }
  return out
}

/**
 * The JSON document of a failure: `{ error: { tag, message, exit_code, ...fields } }`.
 *
 * @since 0.1.0
 */
export const toJson = (failure: Reportable): { readonly error: unknown } => {
  const fields = plain(failure)
  return {
    error: {
      tag: failure._tag,
      message: failure.message,
      exit_code: exitCodeOf(failure),
      ...(Predicate.isRecord(fields) ? fields : {})
    }
  }
}

/**
 * Ends a command with a failure: its text on standard error and, when a JSON document is given, that
 * document with the failure's `error` member on standard output; then an `Exit` with its code.
 *
 * @since 0.1.0
 */
export const fail = (
  failure: Reportable,
  document?: Readonly<Record<string, unknown>>
): Effect.Effect<never, Exit, Output.Output> =>
  Effect.zipRight(
    Effect.zipRight(Output.note(describe(failure)), document === undefined ? Effect.void : Output.json({ ...document, ...toJson(failure) })),
    Effect.fail(new Exit({ code: exitCodeOf(failure) }))
  )

/**
 * Ends a command's failures: writes each one (text on standard error; with `json`, also its JSON
 * document on standard output) and turns it into an `Exit` with its code. An `Exit` passes as is:
 * its command has already written what it had to say.
 *
 * @since 0.1.0
 */
export const report = (json: boolean) =>
<A, E extends Reportable | Exit, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exit, R | Output.Output> =>
  Effect.catchAll(self, (failure) => failure instanceof Exit ? Effect.fail(failure) : fail(failure, json ? {} : undefined))
