/**
 * `dds-restore restore <plan.json> --instance <id>`: preflight, submit, settle a lost answer by
 * finding the job in the task list, and with `--wait` follow the job until it ends.
 *
 * @since 0.1.0
 */
import { RestoreClient } from "@dds-restore/client"
import { EmulatorOptions } from "@dds-restore/emulator"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Failure from "../Failure.js"
import * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as Progress from "../Progress.js"
import * as Target from "../Target.js"
import { instance } from "./Instance.js"
import * as Job from "./Job.js"
import { json, planFile } from "./Validate.js"

const noPreflight = Options.boolean("no-preflight").pipe(
  Options.withDescription("Submit without checking the plan against the instance first (the service still refuses what it refuses)")
)

const duration = (name: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName("DURATION"), Options.withDescription(description), Options.optional)

const reconcileWait = duration(
  "reconcile-wait",
  "When the answer to the submission is lost, how long to look for its job in the task list before reporting the outcome as unknown (exit 4), e.g. 30s (default 60s)"
)

const waitTimeout = duration("wait-timeout", "With --wait, how long to follow the job at most, e.g. 30m (default 2h; past it, exit 4)")

const parsed = (value: Option.Option<string>, option: string): Effect.Effect<Duration.Duration | undefined, EmulatorOptions.InvalidOption> =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (text) => EmulatorOptions.parseDuration(text, option)
  })

/**
 * The `restore` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "restore",
  { file: planFile, instance, wait: Job.wait, noPreflight, reconcileWait, waitTimeout, json, ...Global.options },
  ({ file, instance, wait, noPreflight, reconcileWait, waitTimeout, json, ...own }) =>
    Effect.gen(function*() {
      const lookFor = yield* parsed(reconcileWait, "--reconcile-wait")
      const timeout = yield* parsed(waitTimeout, "--wait-timeout")
      // A plan that cannot be read is refused before any target is set up.
      const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
      yield* Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const target = yield* Target.Target
        const submission = yield* client.restore(instance, plan, {
          preflight: !noPreflight,
          ...(lookFor === undefined ? {} : { reconcile: { wait: lookFor } })
        })
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
          ...(timeout === undefined ? {} : { timeout })
        })
        const document = { ...submitted, ...Job.document(job) }
        if (!json) yield* Output.line(Progress.statusLine(job))
        if (job.status === "Failed") return yield* Failure.fail(Job.failure(job), json ? document : undefined)
        if (json) yield* Output.json(document)
      }).pipe(Global.withTarget(own))
    }).pipe(Failure.report(json))
).pipe(Command.withDescription(
  "Check the plan against the instance (preflight), submit it, find its job in the task list if the answer is lost " +
    "(never submitting twice), and with --wait follow the job until it is Completed or Failed."
))
