/**
 * `dds-restore validate <plan.json>`: reads and checks a plan file without any service (names,
 * times, duplicates, lengths, times not in the future), and prints every issue with its path.
 *
 * @since 0.1.0
 */
import { RestorePlan } from "@dds-restore/domain"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as PlanView from "../PlanView.js"

/**
 * The plan file argument shared by the commands that read one.
 *
 * @since 0.1.0
 */
export const planFile = Args.text({ name: "plan.json" }).pipe(
  Args.withDescription("A plan file: the restore call's body, times as epoch ms, ISO-8601 with a zone, or now-2h style")
)

/**
 * The `--json` option shared by every command.
 *
 * @since 0.1.0
 */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Write exactly one JSON document on standard output (errors included); text for people stays on standard error")
)

/**
 * The `validate` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("validate", { file: planFile, json }, ({ file, json }) =>
  Effect.gen(function*() {
    const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
    if (json) return yield* Output.json({ valid: true, file, plan: RestorePlan.encode(plan) })
    yield* Output.line(`${file}: a valid plan`)
    for (const line of PlanView.lines(plan)) yield* Output.line(line)
  }).pipe(Failure.report(json))).pipe(
    Command.withDescription("Read and check a plan file, offline: every issue is printed with its path (exit 1 when invalid).")
  )
