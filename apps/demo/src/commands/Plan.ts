/**
 * `dds-restore plan <plan.json> --instance <id>`: a dry run. The plan is checked against the
 * instance (preflight: only reads are sent) and the exact restore request is shown, method, URL
 * and body; nothing is submitted.
 *
 * @since 0.1.0
 */
import { Preflight, RestoreClient } from "@dds-restore/client"
import * as Command from "@effect/cli/Command"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as PlanFile from "../PlanFile.js"
import * as PlanView from "../PlanView.js"
import { instance } from "./Instance.js"
import { json, planFile } from "./Validate.js"

/**
 * The `plan` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "plan",
  { file: planFile, instance, json, ...Global.options },
  ({ file, instance, json, ...own }) =>
    Effect.gen(function*() {
      const plan = yield* PlanFile.read(file, yield* Clock.currentTimeMillis)
      // The request comes from the client itself, so the dry run shows exactly what restore sends.
      const [report, sent] = yield* Effect.flatMap(RestoreClient.RestoreClient, (client) =>
        Effect.all([client.preflight(instance, plan), client.restoreRequest(instance, plan)])).pipe(Global.withTarget(own))
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
).pipe(Command.withDescription(
  "A dry run: check the plan against the instance (preflight, reads only) and show the exact request restore would send; " +
    "nothing is submitted (exit 1 when the preflight finds problems)."
))
