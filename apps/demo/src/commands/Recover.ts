/**
 * `dds-restore recover [--lease-wait D] [--json]`: settles the submissions of the restore ledger that
 * a process left unsettled (it died between sending a restore and hearing its answer), from the task
 * list, without submitting anything; one whose instance a live restore holds past the lease wait is
 * left to it.
 *
 * @since 0.2.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { json, leaseWait } from "../SharedOptions.js"

// Short: the holder of a lease kept renewed is a live restore, which settles its own submission.
const defaultLeaseWait = Duration.seconds(5)

const leaseWaitForEach = leaseWait(
  "Default: 5s, since a lease kept renewed is a live restore's, which settles its own submission; " +
    "its submissions are left unsettled and the others are settled"
).pipe(Options.map(Option.getOrElse(() => defaultLeaseWait)))

/**
 * The `recover` command.
 *
 * @since 0.2.0
 */
export const command = Command.make(
  "recover",
  { leaseWait: leaseWaitForEach, json, ...Global.options },
  Handler.lazy(() => import("../handlers/Recover.js"))
).pipe(
  Command.withDescription(
    "Settle every submission of the restore ledger to this service that a process left unsettled (killed between " +
      "sending a restore and hearing its answer), from the instance's task list: its job found and recorded; no new " +
      "restore task within the wait, recorded as not started (submit it again); more than one candidate, recorded as " +
      "unknown with them (exit 4). Never submits anything. A submission whose instance a live restore keeps leased past " +
      "--lease-wait is left unsettled, busy (exit 2). The exit code is the most severe of the submissions'."
  )
)
