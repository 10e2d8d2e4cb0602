/**
 * `dds-restore plan <plan.json> --instance <id>`: a dry run. The plan is checked against the
 * instance (preflight: only reads are sent) and the exact restore request is shown, method, URL
 * and body; nothing is submitted.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { instance, json, planFile } from "../SharedOptions.js"

/**
 * The `plan` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "plan",
  { file: planFile, instance, json, ...Global.options },
  Handler.lazy(() => import("../handlers/Plan.js"))
).pipe(Command.withDescription(
  "A dry run: check the plan against the instance (preflight, reads only) and show the exact request restore would send; " +
    "nothing is submitted (exit 1 when the preflight finds problems)."
))
