/**
 * `dds-restore job <job-id> [--wait]`: one restore job, looked at once or followed until it ends.
 *
 * @since 0.1.0
 */
import { RestoreClient } from "@dds-restore/client"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import { json } from "./Validate.js"

const jobId = Args.text({ name: "job-id" }).pipe(Args.withDescription("The job id a restore gave (a UUID)"))

/**
 * The `--wait` option.
 *
 * @since 0.1.0
 */
export const wait = Options.boolean("wait").pipe(
  Options.withDescription("Follow the job until it is Completed (exit 0) or Failed (exit 3), with a progress bar on a terminal")
)

/**
 * The `job` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("job", { jobId, wait, json, ...Global.options }, ({ jobId, json, wait: _wait, ...own }) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const job = yield* client.job(jobId)
    if (json) return yield* Output.json({ job_id: job.id, status: job.status, job })
    const follower = yield* Progress.follower
    yield* follower.end(job)
  }).pipe(Global.withTarget(own), Failure.report(json))).pipe(
    Command.withDescription(
      "Show one restore job, or follow it with --wait. The embedded emulator starts empty at each command: " +
        "follow jobs of another run with `dds-restore emulator` and --endpoint."
    )
  )
