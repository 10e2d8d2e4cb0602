/**
 * The work of `dds-restore plan`: the preflight and the exact request, against the chosen target.
 *
 * @since 0.1.0
 */
import { Preflight, RestoreClient } from "@dds-restore/client"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as PlanView from "../PlanView.js"
import * as Target from "../Target.js"

/**
 * The parsed options and arguments of `plan`.
 *
 * @since 0.1.0
 */
export interface Input extends Global.Settings {
  readonly file: string
  readonly instance: string
  readonly json: boolean
}

/**
 * Reads the plan, runs the preflight and builds the request `restore` would send; submits nothing.
 *
 * @since 0.1.0
 */
export const run = ({ file, instance, json, ...own }: Input) =>
  Effect.gen(function*() {
    const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
    // The request comes from the client itself, so the dry run shows exactly what restore sends.
    const [report, sent] = yield* Effect.flatMap(RestoreClient.RestoreClient, (client) =>
      Effect.all([client.preflight(instance, plan), client.restoreRequest(instance, plan)])).pipe(Target.provide(own))
    const document = {
      dry_run: true,
      instance_id: instance,
      preflight: report,
      request: { method: sent.method, url: sent.url, headers: sent.headers, body: JSON.parse(sent.body) as unknown }
    }
    if (!json) {
      yield* Output.line(`Dry run of ${file} on instance ${instance}: nothing is submitted.`)
      for (const line of PlanView.lines(plan)) yield* Output.line(line)
      yield* Output.line("")
      const count = report.problems.length
      yield* Output.line(report.ok ? "Preflight: ok" : `Preflight: ${count} ${count === 1 ? "problem" : "problems"}`)
      for (const line of Failure.problemLines(report)) yield* Output.line(line)
      yield* Output.line("")
      yield* Output.line("The request `dds-restore restore` would send (signed just before sending):")
      yield* Output.line(`  ${sent.method} ${sent.url}`)
      for (const [name, value] of Object.entries(sent.headers)) yield* Output.line(`  ${name}: ${value}`)
      yield* Output.line(`  ${sent.body}`)
    }
    if (!report.ok) {
      return yield* Failure.fail(new Preflight.PreflightFailed({ report }), json ? document : undefined)
    }
    if (json) yield* Output.json(document)
  }).pipe(Failure.report(json))
