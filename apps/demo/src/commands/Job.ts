/**
 * `dds-restore job <job-id> [--wait]`: one restore job, looked at once or followed until it ends.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import * as IdArgument from "../IdArgument.js"
import { json, wait } from "../SharedOptions.js"

const jobId = IdArgument.argument("job-id", "job id").pipe(
  Args.withDescription(`The job id a restore gave (a UUID; at most ${IdArgument.maxLength} characters)`)
)

/**
 * The `job` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("job", { jobId, wait, json, ...Global.options }, Handler.lazy(() => import("../handlers/Job.js"))).pipe(
  Command.withDescription(
    "Show one restore job (exit 3 when it failed), or follow it with --wait. The embedded emulator starts empty at each " +
      "command: follow jobs of another run with `dds-restore emulator` and --endpoint."
  )
)
