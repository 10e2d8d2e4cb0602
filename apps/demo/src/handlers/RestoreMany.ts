/**
 * The work of `dds-restore restore PLAN --instances FILE`: one plan on every instance of a file
 * through `restoreMany`, `--concurrency` at a time under one request rate (`--rate`) for the whole
 * run, a result per instance in the file's order, and the exit code of the most severe result.
 *
 * @since 0.1.0
 */
import { Reconcile, RestoreClient, RestoreLedger } from "@dds-restore/client"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as BatchProgress from "../BatchProgress.js"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as InstancesFile from "../InstancesFile.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as Target from "../Target.js"

/**
 * The parsed options and arguments of a batch restore.
 *
 * @since 0.1.0
 */
export interface Input extends Global.Settings {
  readonly file: string
  readonly instances: string
  readonly concurrency: number
  readonly rate: Option.Option<number>
  readonly noPreflight: boolean
  readonly reconcileWait: Option.Option<Duration.Duration>
  /** How long to wait for an instance another submission holds (not at all unless given). */
  readonly leaseWait: Option.Option<Duration.Duration>
  readonly json: boolean
}

/**
 * An item's error as the JSON document writes it: its tag and message and what a job runner acts
 * on without reading the message. `unsettled`: the submission left unsettled in the ledger, for
 * `recover` (a `RestoreOutcomeUnknown` whose outcome could not be recorded, named so in the single
 * restore's document too; a `JobNotRecorded`, whose `submission` it is). `candidates`: the jobs
 * that may be a `RestoreOutcomeUnknown`'s job, as the client keeps them (at most
 * `Reconcile.maxCandidates`, its `ambiguity` saying how many there were). `job_id`: the job a
 * `JobNotRecorded` restore started, to follow.
 *
 * @since 0.2.0
 */
export interface RowError {
  readonly tag: Failure.Tag
  readonly message: string
  readonly unsettled?: string
  readonly candidates?: ReadonlyArray<string>
  readonly job_id?: string
}

/**
 * One instance's result as the JSON document writes it: its job, or its error.
 *
 * @since 0.1.0
 */
export type Row =
  | { readonly instance_id: string; readonly job_id: string; readonly reconciled: boolean }
  | { readonly instance_id: string; readonly error: RowError }

const failureOf = (cause: Cause.Cause<Failure.Failure>): Failure.Reportable =>
  Option.getOrElse(Cause.failureOption(cause), () => {
    const squashed = Cause.squash(cause)
    return {
      _tag: Cause.isInterruptedOnly(cause) ? "Interrupted" : "Defect",
      message: squashed instanceof Error ? squashed.message : String(squashed)
    }
  })

const outcomeFields = (failure: Failure.Reportable): Omit<RowError, "tag" | "message"> => {
  if (failure instanceof RestoreLedger.JobNotRecorded) {
    return { ...(failure.submission === undefined ? {} : { unsettled: failure.submission }), job_id: failure.jobId }
  }
  if (!(failure instanceof Reconcile.RestoreOutcomeUnknown)) return {}
  return {
    ...(failure.unsettled === undefined ? {} : { unsettled: failure.unsettled }),
    ...(failure.candidates === undefined ? {} : { candidates: failure.candidates })
  }
}

/**
 * The row of one item's result.
 *
 * @since 0.1.0
 */
export const row = (item: RestoreClient.ItemResult): Row =>
  Exit.match(item.result, {
    onSuccess: (submission) => ({ instance_id: item.instanceId, job_id: submission.jobId, reconciled: submission.reconciled }),
    onFailure: (cause) => {
      const failure = failureOf(cause)
      return { instance_id: item.instanceId, error: { tag: failure._tag, message: failure.message, ...outcomeFields(failure) } }
    }
  })

/**
 * The exit code of a row: 0 for a job, otherwise its error's.
 *
 * @since 0.1.0
 */
export const exitCode = (result: Row): number =>
  "error" in result ? Failure.exitCodeOf({ _tag: result.error.tag }) : Failure.ExitCode.done

/**
 * The exit code of a run: the most severe of its results' (the highest: 4 unknown, 3 failed, 2
 * service, 1 invalid), 0 when every instance got its job.
 *
 * @since 0.1.0
 */
export const runExitCode = (rows: ReadonlyArray<Row>): number => rows.reduce((worst, r) => Math.max(worst, exitCode(r)), 0)

/**
 * The JSON document: `{ "results": [...] }` with one result a line, in the file's order, so that a
 * line-oriented tool can read it as well as a JSON parser.
 *
 * @since 0.1.0
 */
export const document = (rows: ReadonlyArray<Row>): string =>
  `{ "results": [\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n] }\n`

/**
 * The text for people on standard output: one line per instance, then a count.
 *
 * @since 0.1.0
 */
export const text = (rows: ReadonlyArray<Row>): string => {
  const failed = rows.filter((r) => "error" in r).length
  const lines = rows.map((r) =>
    "error" in r
      ? `${r.instance_id}: ${r.error.tag}: ${r.error.message}`
      : `${r.instance_id}: job ${r.job_id}${r.reconciled ? " (answer lost; job found in the task list)" : ""}`
  )
  return `${lines.join("\n")}\n${rows.length - failed} of ${rows.length} submitted` +
    (failed === 0 ? "" : `, ${failed} not (exit code ${runExitCode(rows)})`) + "\n"
}

/**
 * Reads the plan and the instances file (either refused before any target is set up), restores
 * the plan on every instance, and writes a result per instance.
 *
 * @since 0.1.0
 */
export const run = ({ file, instances, concurrency, rate, noPreflight, reconcileWait, leaseWait, json, ...own }: Input) =>
  Effect.gen(function*() {
    const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
    const ids = yield* InstancesFile.read(instances)
    const rows = yield* Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const counter = json ? undefined : yield* BatchProgress.make(ids.length)
      const results = yield* client.restoreMany(ids.map((instanceId) => ({ instanceId, plan })), {
        concurrency,
        requestsPerSecond: Option.getOrUndefined(rate),
        preflight: !noPreflight,
        ...Option.match(reconcileWait, { onNone: () => ({}), onSome: (lookFor) => ({ reconcile: { wait: lookFor } }) }),
        ...Option.match(leaseWait, { onNone: () => ({}), onSome: (wait) => ({ leaseWait: wait }) }),
        ...(counter === undefined ? {} : {
          onResult: (item: RestoreClient.ItemResult) => {
            const r = row(item)
            return counter.ended("error" in r ? { instanceId: r.instance_id, errorTag: r.error.tag } : {
              instanceId: r.instance_id,
              jobId: r.job_id
            })
          }
        })
      }).pipe(Effect.ensuring(counter?.end ?? Effect.void))
      return results.map(row)
    }).pipe(Target.provide(own))
    const output = yield* Output.Output
    output.out(json ? document(rows) : text(rows))
    const code = runExitCode(rows)
    if (code !== Failure.ExitCode.done) return yield* new Failure.Exit({ code })
  }).pipe(Failure.report(json))
