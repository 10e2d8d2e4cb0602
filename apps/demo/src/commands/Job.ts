/**
 * `dds-restore job <job-id> [--wait]`: one restore job, looked at once or followed until it ends.
 *
 * @since 0.1.0
 */
import { JobWatch, RestoreClient } from "@dds-restore/client"
import type { Wire } from "@dds-restore/domain"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import * as Target from "../Target.js"
import { json } from "./Validate.js"

const jobId = Args.text({ name: "job-id" }).pipe(Args.withDescription("The job id a restore gave (a UUID)"))

/**
 * The `--wait` option.
 *
 * @since 0.1.0
 */
export const wait = Options.boolean("wait").pipe(
  Options.withDescription("Follow the job until it is Completed (exit 0) or Failed (exit 3): a progress bar on a terminal, one line per change otherwise")
)

/**
 * The JSON document of a job: `job_id`, `status`, and the job as the service gave it.
 *
 * @since 0.1.0
 */
export const document = (job: Wire.Job): Record<string, unknown> => ({
  job_id: job.id,
  status: job.status,
  ...(job.progress === undefined ? {} : { progress: JobWatch.progressOf(job.progress) }),
  ...(job.fail_reason === undefined ? {} : { fail_reason: job.fail_reason }),
  job
})

/**
 * The failure of a job seen `Failed`.
 *
 * @since 0.1.0
 */
export const failure = (job: Wire.Job): JobWatch.JobFailed =>
  new JobWatch.JobFailed({
    jobId: job.id,
    instanceId: job.instance.id,
    instanceName: job.instance.name,
    ...(job.fail_reason === undefined ? {} : { failReason: job.fail_reason })
  })

/**
 * The `job` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("job", { jobId, wait, json, ...Global.options }, ({ jobId, json, wait, ...own }) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const target = yield* Target.Target
    const job = wait ? yield* Progress.follow(jobId, target.jobWatch) : yield* client.job(jobId)
    if (!json) yield* Output.line(Progress.statusLine(job))
    if (job.status === "Failed") return yield* Failure.fail(failure(job), json ? document(job) : undefined)
    if (json) yield* Output.json(document(job))
  }).pipe(Global.withTarget(own), Failure.report(json))).pipe(
    Command.withDescription(
      "Show one restore job (exit 3 when it failed), or follow it with --wait. The embedded emulator starts empty at each " +
        "command: follow jobs of another run with `dds-restore emulator` and --endpoint."
    )
  )
