/**
 * The work of `dds-restore restore`: preflight, submission, the settling of a lost answer, and
 * with `--wait` the job followed to its end; with `--instances FILE`, the batch of `RestoreMany`.
 *
 * @since 0.1.0
 */
import { RestoreClient } from "@dds-restore/client"
import { EmulatorOptions } from "@dds-restore/emulator"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as Interruption from "../Interruption.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as Progress from "../Progress.js"
import * as Target from "../Target.js"
import * as Job from "./Job.js"
import * as RestoreMany from "./RestoreMany.js"

/**
 * The parsed options and arguments of `restore`.
 *
 * @since 0.1.0
 */
export interface Input extends Global.Settings {
  readonly file: string
  /** `--instance ID` (left) or `--instances FILE` (right). */
  readonly target: Either.Either<string, string>
  readonly concurrency: number
  readonly rate: Option.Option<number>
  readonly wait: boolean
  readonly noPreflight: boolean
  readonly reconcileWait: Option.Option<Duration.Duration>
  readonly leaseWait: Option.Option<Duration.Duration>
  readonly waitTimeout: Option.Option<Duration.Duration>
  readonly json: boolean
}

/**
 * Submits the plan (after its preflight) and, with `--wait`, follows its job; with `--instances`,
 * runs the batch.
 *
 * @since 0.1.0
 */
export const run = ({ target, concurrency, rate, ...input }: Input) =>
  Either.match(target, {
    onLeft: (instance) =>
      Option.isSome(rate) || concurrency !== 4
        ? Failure.report(input.json)(Effect.fail(
          new EmulatorOptions.InvalidOption({
            option: Option.isSome(rate) ? "--rate" : "--concurrency",
            value: Option.isSome(rate) ? String(rate.value) : String(concurrency),
            detail: "--concurrency and --rate apply to a batch: give --instances FILE, or leave them out with --instance"
          })
        ))
        : restoreOne({ ...input, instance }),
    onRight: (instances) =>
      input.wait
        ? Failure.report(input.json)(Effect.fail(
          new EmulatorOptions.InvalidOption({
            option: "--wait",
            value: "true",
            detail: "--wait follows one job: with --instances, each instance's job is listed; follow one with dds-restore job ID --wait"
          })
        ))
        : RestoreMany.run({ ...input, instances, concurrency, rate })
  })

const restoreOne = (
  { file, instance, wait, noPreflight, reconcileWait, leaseWait, waitTimeout, json, ...own }: Omit<Input, "target" | "concurrency" | "rate"> & {
    readonly instance: string
  }
) =>
  Effect.gen(function*() {
    // A plan that cannot be read is refused before any target is set up.
    const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
    yield* Effect.gen(function*() {
      const client = yield* RestoreClient.RestoreClient
      const target = yield* Target.Target
      yield* Interruption.enter({ _tag: "Submitting", instanceId: instance })
      const submission = yield* client.restore(instance, plan, {
        preflight: !noPreflight,
        ...Option.match(reconcileWait, { onNone: () => ({}), onSome: (lookFor) => ({ reconcile: { wait: lookFor } }) }),
        ...Option.match(leaseWait, { onNone: () => ({}), onSome: (wait) => ({ leaseWait: wait }) })
      })
      yield* Interruption.enter({ _tag: "Submitted", instanceId: instance, jobId: submission.jobId })
      const submitted = { job_id: submission.jobId, reconciled: submission.reconciled, instance_id: instance }
      yield* Output.note(
        `submitted: job ${submission.jobId} on instance ${instance}` +
          (submission.reconciled ? " (the answer was lost; the job was found in the task list, not submitted twice)" : "")
      )
      if (!wait) {
        if (json) return yield* Output.json({ ...submitted, status: "Submitted" })
        return yield* Output.line(`Submitted: job ${submission.jobId} (follow it with: dds-restore job ${submission.jobId} --wait)`)
      }
      const job = yield* Progress.follow(submission.jobId, {
        ...target.jobWatch,
        ...Option.match(waitTimeout, { onNone: () => ({}), onSome: (timeout) => ({ timeout }) })
      })
      const document = { ...submitted, ...Job.document(job) }
      if (!json) yield* Output.line(Progress.statusLine(job))
      if (job.status === "Failed") return yield* Failure.fail(Job.failure(job), json ? document : undefined)
      if (json) yield* Output.json(document)
    }).pipe(Target.provide(own))
  }).pipe(Failure.report(json))
