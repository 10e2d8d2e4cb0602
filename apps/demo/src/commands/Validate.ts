/**
 * `dds-restore validate <plan.json>`: reads and checks a plan file without any service (names,
 * times, duplicates, lengths, times not in the future), and prints every issue with its path.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Handler from "../Handler.js"
import { json, planFile } from "../SharedOptions.js"

/**
 * The `validate` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("validate", { file: planFile, json }, Handler.lazy(() => import("../handlers/Validate.js"))).pipe(
  Command.withDescription("Read and check a plan file, offline: every issue is printed with its path (exit 1 when invalid).")
)
