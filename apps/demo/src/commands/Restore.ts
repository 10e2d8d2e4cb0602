/**
 * `dds-restore restore <plan.json> --instance <id>`: preflight, submit, settle a lost answer by
 * finding the job in the task list, and with `--wait` follow the job until it ends.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as DurationOption from "../DurationOption.js"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { instance, json, planFile, wait } from "../SharedOptions.js"

const noPreflight = Options.boolean("no-preflight").pipe(
  Options.withDescription("Submit without checking the plan against the instance first (the service still refuses what it refuses)")
)

const reconcileWait = DurationOption.make(
  "reconcile-wait",
  "When the answer to the submission is lost, how long to look for its job in the task list before reporting the outcome as unknown (exit 4), e.g. 30s (default 60s)"
)

const waitTimeout = DurationOption.make("wait-timeout", "With --wait, how long to follow the job at most, e.g. 30m (default 2h; past it, exit 4)")

/**
 * The `restore` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "restore",
  { file: planFile, instance, wait, noPreflight, reconcileWait, waitTimeout, json, ...Global.options },
  Handler.lazy(() => import("../handlers/Restore.js"))
).pipe(Command.withDescription(
  "Check the plan against the instance (preflight), submit it, find its job in the task list if the answer is lost " +
    "(never submitting twice), and with --wait follow the job until it is Completed or Failed."
))
