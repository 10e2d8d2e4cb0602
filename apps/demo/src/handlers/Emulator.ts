/**
 * The work of `dds-restore emulator`: the emulator's own parser reads the options and its own
 * start serves, so both command lines refuse the same values with the same words and print the
 * same lines.
 *
 * @since 0.1.0
 */
import { EmulatorMain, EmulatorOptions } from "@dds-restore/emulator"
import { DemoFixture } from "@dds-restore/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Failure from "../Failure.js"
import * as Interruption from "../Interruption.js"
import * as Output from "../Output.js"

/**
 * The parsed options of `emulator`, each as given.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly host: Option.Option<string>
  readonly port: Option.Option<string>
  readonly seed: Option.Option<string>
  readonly instances: Option.Option<string>
  readonly fleetSeed: Option.Option<string>
  readonly faults: Option.Option<string>
  readonly jobDuration: Option.Option<string>
  readonly visibilityDelay: Option.Option<string>
}

const flags: ReadonlyArray<readonly [keyof Input, string]> = [
  ["host", "--host"],
  ["port", "--port"],
  ["seed", "--seed"],
  ["instances", "--instances"],
  ["fleetSeed", "--fleet-seed"],
  ["faults", "--faults"],
  ["jobDuration", "--job-duration"],
  ["visibilityDelay", "--visibility-delay"]
]

/**
 * The demo instances, one per line, as the emulator's banner lists them on standard error.
 *
 * @since 0.1.0
 */
export const demoInstances: ReadonlyArray<string> = [
  `demo replica set (restore this one): ${DemoFixture.ordersInstanceId} (dds-orders-demo)`,
  `sharded cluster (refused):           ${DemoFixture.shardedInstanceId} (dds-analytics-cluster)`,
  `incremental backup off (refused):    ${DemoFixture.noIncrementalInstanceId} (dds-inventory-demo)`
]

/**
 * Serves the emulator until interrupted.
 *
 * @since 0.1.0
 */
export const run = (given: Input) =>
  Effect.gen(function*() {
    const argv = flags.flatMap(([key, flag]) => Option.match(given[key], { onNone: () => [], onSome: (value) => [flag, value] }))
    const parsed = EmulatorOptions.parseArgs(argv)
    if (Either.isLeft(parsed)) return yield* parsed.left
    const output = yield* Output.Output
    yield* EmulatorMain.start(parsed.right, (line) => output.out(`${line}\n`))
    if (parsed.right.seedFile === undefined) {
      for (const line of demoInstances) yield* Output.note(line)
    }
    yield* Output.note("serving until interrupted (Ctrl-C)")
    // Interrupting is how a server is stopped: a signal here ends it normally.
    yield* Interruption.enter({ _tag: "Serving" })
    return yield* Effect.never
  }).pipe(Effect.scoped, Failure.report(false))
