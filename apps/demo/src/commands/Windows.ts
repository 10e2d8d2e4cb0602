/**
 * `dds-restore windows --instance <id> --date YYYY-MM-DD`: the restorable windows of one UTC day,
 * drawn as a 24-hour bar above the exact start and end of each window (ISO and epoch ms).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { instance, json } from "../SharedOptions.js"

const date = Options.text("date").pipe(Options.withPseudoName("YYYY-MM-DD"), Options.withDescription("The UTC day"))

/**
 * The `windows` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "windows",
  { instance, date, json, ...Global.options },
  Handler.lazy(() => import("../handlers/Windows.js"))
).pipe(Command.withDescription(
  "The restorable windows of one UTC day: a 24-hour bar (restorable spans filled, gaps empty) above the exact start and end of each window."
))
