/**
 * `dds-restore recover [--json]`: settles the submissions of the restore ledger that a process left
 * unsettled (it died between sending a restore and hearing its answer), from the task list, without
 * submitting anything.
 *
 * @since 0.2.0
 */
import * as Command from "@effect/cli/Command"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { json } from "../SharedOptions.js"

/**
 * The `recover` command.
 *
 * @since 0.2.0
 */
export const command = Command.make("recover", { json, ...Global.options }, Handler.lazy(() => import("../handlers/Recover.js"))).pipe(
  Command.withDescription(
    "Settle every submission of the restore ledger to this service that a process left unsettled (killed between " +
      "sending a restore and hearing its answer), from the instance's task list: its job found and recorded; no new " +
      "restore task within the wait, recorded as not started (submit it again); more than one candidate, recorded as " +
      "unknown with them (exit 4). Never submits anything. The exit code is the most severe of the submissions'."
  )
)
