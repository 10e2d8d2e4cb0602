/**
 * `dds-restore restore <plan.json> --instance <id>`: preflight, submit, settle a lost answer by
 * finding the job in the task list, and with `--wait` follow the job until it ends. With
 * `--instances FILE` instead, the same plan on every instance of the file (`--concurrency` at a
 * time, `--rate` requests per second for the whole run), a result per instance.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as DurationOption from "../DurationOption.js"
import * as Global from "../Global.js"
import * as Handler from "../Handler.js"
import { instanceOr, json, leaseWait, planFile, wait } from "../SharedOptions.js"

const noPreflight = Options.boolean("no-preflight").pipe(
  Options.withDescription("Submit without checking the plan against the instance first (the service still refuses what it refuses)")
)

/**
 * The most restores `--concurrency` runs at once (the client's `RestoreClient.maxConcurrency`), the
 * lowest and highest `--rate` (the lowest is the client's `RestoreClient.minRequestRate`, one request
 * every 100 seconds; both restated here so that reading the arguments does not load the client:
 * test/Limits.test.ts holds each equal to the client's), and the longest
 * `--reconcile-wait` and `--wait-timeout`. A new task shows in the task list within seconds, and the
 * instance stays leased while its job is looked for; a restore job runs for hours, not weeks.
 *
 * @since 0.1.0
 */
export const limits = {
  concurrency: 64,
  minRate: 0.01,
  rate: 1000,
  reconcileWait: Duration.minutes(30),
  waitTimeout: Duration.days(7)
} as const

const reconcileWait = DurationOption.make(
  "reconcile-wait",
  "When the answer to the submission is lost, how long to look for its job in the task list before reporting the outcome as unknown (exit 4), " +
    `e.g. 30s, at most ${Duration.format(limits.reconcileWait)} (default 60s)`,
  limits.reconcileWait
)

const leaseWaitForOne = leaseWait(
  "Default: 10m with --instance; 0 with --instances, so that runners given overlapping lists skip what another is restoring"
)

const instances = Options.text("instances").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription(
    "Restore the plan on every instance of a file instead of one: one instance id a line (blank lines and # comments skipped, " +
      "at most 10000, 1 MiB); a result per instance, in the file's order, and the exit code of the most severe"
  )
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withPseudoName("N"),
  Options.withDescription(`With --instances, how many restores run at once, 1 to ${limits.concurrency} (default 4)`),
  Options.mapEffect((n) =>
    n >= 1 && n <= limits.concurrency
      ? Effect.succeed(n)
      : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--concurrency: ${n} is not from 1 to ${limits.concurrency}`)))
  ),
  Options.withDefault(4)
)

const rate = Options.float("rate").pipe(
  Options.withPseudoName("R"),
  Options.withDescription(
    `With --instances, the most requests per second all the run's requests together send, from ${limits.minRate} to ${limits.rate} (default: no limit)`
  ),
  Options.mapEffect((r) =>
    r >= limits.minRate && r <= limits.rate
      ? Effect.succeed(r)
      : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--rate: ${r} is not a rate from ${limits.minRate} (one request every 100 seconds) to ${limits.rate} requests per second`)))
  ),
  Options.optional
)

const waitTimeout = DurationOption.make(
  "wait-timeout",
  `With --wait, how long to follow the job at most, e.g. 30m, at most ${Duration.format(limits.waitTimeout)} (default 2h; past it, exit 4)`,
  limits.waitTimeout
)

/**
 * The `restore` command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "restore",
  {
    file: planFile,
    target: instanceOr(instances),
    concurrency,
    rate,
    wait,
    noPreflight,
    reconcileWait,
    leaseWait: leaseWaitForOne,
    waitTimeout,
    json,
    ...Global.options
  },
  Handler.lazy(() => import("../handlers/Restore.js"))
).pipe(Command.withDescription(
  "Check the plan against the instance (preflight), submit it, find its job in the task list if the answer is lost " +
    "(never submitting twice), and with --wait follow the job until it is Completed or Failed. With --instances FILE, " +
    "the same on every instance of the file, --concurrency at a time under one --rate for the whole run."
))
