/**
 * The options and arguments that more than one command takes: the plan file, `--instance`,
 * `--json`, `--wait` and `--lease-wait`. Only their definitions live here, so that parsing and `--help` need
 * nothing else; what a command does with them is in its handler.
 *
 * @since 0.1.0
 */
import * as DemoIds from "@dds-restore/testing/DemoIds"
import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as DurationOption from "./DurationOption.js"
import * as IdArgument from "./IdArgument.js"

/**
 * The plan file argument of the commands that read one.
 *
 * @since 0.1.0
 */
export const planFile = Args.text({ name: "plan.json" }).pipe(
  Args.withDescription("A plan file: the restore call's body, times as epoch ms, ISO-8601 with a zone, or now-2h style")
)

const instanceText = Options.text("instance").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    `The DDS instance id (at most ${IdArgument.maxLength} characters). The embedded emulator's demo replica set is ${DemoIds.ordersInstanceId} ` +
      `(also: sharded ${DemoIds.shardedInstanceId}, incremental backup off ${DemoIds.noIncrementalInstanceId})`
  )
)

const checkInstance = IdArgument.check("--instance", "instance id")

/**
 * The `--instance` option of the commands that act on an instance, with the demo instances named
 * in its description so that people find them; an id that is not one (`IdArgument`) is refused
 * while the arguments are parsed, naming the option.
 *
 * @since 0.1.0
 */
export const instance: Options.Options<string> = instanceText.pipe(Options.mapEffect(checkInstance))

/**
 * `--instance ID` (left) or another option (right: `restore`'s `--instances FILE`): the instance id checked as
 * `instance` checks it once it is known to be the one given, so that its refusal is not joined by
 * the other option's absence.
 *
 * @since 0.2.0
 */
export const instanceOr = (other: Options.Options<string>): Options.Options<Either.Either<string, string>> =>
  Options.orElseEither(instanceText, other).pipe(
    // The instance id is the left one.
    Options.mapEffect((given) =>
      Either.isLeft(given) ? Effect.map(checkInstance(given.left), (id): Either.Either<string, string> => Either.left(id)) : Effect.succeed(given)
    )
  )

/**
 * The `--json` option of every command.
 *
 * @since 0.1.0
 */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Write exactly one JSON document on standard output (errors included); text for people stays on standard error")
)

/**
 * The `--wait` option of the commands that can follow a job.
 *
 * @since 0.1.0
 */
export const wait = Options.boolean("wait").pipe(
  Options.withDescription("Follow the job until it is Completed (exit 0) or Failed (exit 3): a progress bar on a terminal, one line per change otherwise")
)

/**
 * The longest `--lease-wait`: the client's `RestoreClient.maxLeaseWait` (1 hour), restated here so
 * that reading the arguments does not load the client (test/DurationOption.test.ts holds the two
 * equal).
 *
 * @since 0.2.0
 */
export const maxLeaseWait: Duration.Duration = Duration.hours(1)

/**
 * The `--lease-wait` option of the commands that take an instance's lease in the ledger (`restore`,
 * `recover`): how long to wait while another submission holds it, at most `maxLeaseWait`.
 * `defaults` says what the command does without it.
 *
 * @since 0.2.0
 */
export const leaseWait = (defaults: string): Options.Options<Option.Option<Duration.Duration>> =>
  DurationOption.make(
    "lease-wait",
    "How long to wait while another submission sharing the ledger (another runner, another operator) holds the instance's lease, " +
      `e.g. 30s, at most ${Duration.format(maxLeaseWait)}; past it the instance is reported InstanceBusy (exit 2). ${defaults}`,
    maxLeaseWait
  )
