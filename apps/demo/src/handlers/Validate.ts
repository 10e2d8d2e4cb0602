/**
 * The work of `dds-restore validate`: the plan file read and checked offline, then shown.
 *
 * @since 0.1.0
 */
import { RestorePlan } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as PlanView from "../PlanView.js"

/**
 * The parsed arguments of `validate`.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly file: string
  readonly json: boolean
}

/**
 * Reads the plan file and shows the plan, or every issue with its path.
 *
 * @since 0.1.0
 */
export const run = ({ file, json }: Input): Effect.Effect<void, Failure.Exit, Output.Output> =>
  Effect.gen(function*() {
    const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
    if (json) return yield* Output.json({ valid: true, file, plan: RestorePlan.encode(plan) })
    yield* Output.line(`${file}: a valid plan`)
    for (const line of PlanView.lines(plan)) yield* Output.line(line)
  }).pipe(Failure.report(json))
