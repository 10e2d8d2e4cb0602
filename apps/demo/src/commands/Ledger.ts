/**
 * `dds-restore ledger [--json] [--limit N]`: the restore ledger's instance leases and its most
 * recent submissions with their outcomes, at most `--limit` of each.
 *
 * @since 0.2.0
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { json } from "../SharedOptions.js"

/**
 * How many leases and how many submissions `ledger` lists by default, and at most.
 *
 * @since 0.2.0
 */
export const limits = { default: 20, max: 1000 } as const

const limit = Options.integer("limit").pipe(
  Options.withPseudoName("N"),
  Options.withDescription(
    `How many leases and how many submissions to list (each), newest first, 1 to ${limits.max} (default ${limits.default}); ` +
      "how many more there are is said"
  ),
  Options.mapEffect((n) =>
    n >= 1 && n <= limits.max
      ? Effect.succeed(n)
      : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--limit: ${n} is not from 1 to ${limits.max}`)))
  ),
  Options.withDefault(limits.default)
)

/**
 * The `ledger` command.
 *
 * @since 0.2.0
 */
export const command = Command.make("ledger", { json, limit, ...Global.options }, Handler.lazy(() => import("../handlers/Ledger.js")))
  .pipe(Command.withDescription(
    "List the restore ledger (--ledger, else DDS_RESTORE_LEDGER, else the user's $XDG_STATE_HOME/dds-restore/ledger.db): the lease of each instance (its holder, until when, " +
      "its fencing token) and the most recent submissions (when, who, the instance, and the outcome: job id, refused, " +
      "unknown with candidates, not started, or still unsettled). Reads the ledger only; talks to no service."
  ))
