/**
 * The emulator's command-line options (`--host`, `--port`, `--seed`, `--instances`, `--fleet-seed`,
 * `--faults`, `--job-duration`, `--visibility-delay`) and the parsers behind them, kept apart from the bin so that another command
 * line (the demo app's `dds-restore emulator`) parses the same way.
 *
 * @since 0.1.0
 */
import { DemoFixture, FakeDds, type Fault } from "@dds-restore/testing"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as NodeUtil from "node:util"
import { clip, maxReason, quote } from "./internal/quote.js"

/**
 * A command-line value that could not be used: which option, the value given, and what is expected.
 * The message quotes the value's first 200 characters (and says how many more there are), whatever
 * its length.
 *
 * @since 0.1.0
 */
export class InvalidOption extends Schema.TaggedError<InvalidOption>("@dds-restore/emulator/InvalidOption")(
  "InvalidOption",
  {
    option: Schema.String,
    value: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.option} ${quote(this.value)}: ${this.detail} (run with --help for the options).`
  }
}

/**
 * Everything the bin needs to start an emulator.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly host: string
  /** 0 picks any free port. */
  readonly port: number
  /** A JSON seed file; the built-in demo fixture when absent. */
  readonly seedFile?: string
  /** `--instances N` (with `--fleet-seed`): N healthy replica sets added to the seed. */
  readonly fleet?: DemoFixture.FleetOptions
  /** Faults at a rate, in the fake's own terms. */
  readonly faults: Fault.Rates
  /** How long a restore job runs before it completes. */
  readonly jobDuration?: Duration.Duration
  /** How long a new job stays invisible to `GET /jobs?id=`. */
  readonly visibilityDelay?: Duration.Duration
  /** `--task-order`: the order of the task list (newest first when absent). */
  readonly taskOrder?: FakeDds.TaskOrder
  /** `--help` was given: print `usage` and do nothing else. */
  readonly help: boolean
}

/**
 * The help text of the bin.
 *
 * @since 0.1.0
 */
export const usage = `Usage: dds-restore-emulator [options]

Serves a fake DDS restore service over HTTP, checking AK/SK signatures as the gateway does.

Options:
  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port to listen on; 0 picks any free port (default 0)
  --seed FILE               JSON seed (projects, credentials, instances, windows, collections);
                            the built-in demo fixture when absent
  --instances N             add a fleet of N healthy replica sets (0 to 10000) holding the demo
                            replica set's databases and collections; listed on GET /_emulator/state
  --fleet-seed TEXT         what the fleet's ids and names are derived from: every emulator started
                            with the same seed serves the same fleet (default "fleet")
  --faults SPEC             comma-separated faults, for example
                            throttle=0.2,error5xx=0.05,latency=20ms,drop-restore-answer=1,clock-skew=-20m;
                            delay-restore-answer=5s carries every restore out at once and holds its
                            answer back that long
  --job-duration DURATION   how long a restore job runs, for example 2s (default: the fake's);
                            every duration, here and in --faults, is at most 24h
  --visibility-delay DURATION
                            how long a new job stays invisible to GET /jobs?id= (default: the fake's)
  --task-order ORDER        the task list's order: newest-first (default), oldest-first or shuffled
  --help                    show this text
`

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/

const unitMillis = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const

/**
 * The longest duration any option takes (`--job-duration`, `--visibility-delay`, and the faults'
 * latency, delay-restore-answer and clock-skew): 24 hours, longer than any test waits.
 *
 * @since 0.2.0
 */
export const maxDuration: Duration.Duration = Duration.hours(24)

const durationMillis = (text: string): number | undefined => {
  const match = durationPattern.exec(text.trim())
  if (match === null) return undefined
  const [, amount, unit] = match
  const millis = Number(amount) * unitMillis[unit as keyof typeof unitMillis]
  return millis <= Duration.toMillis(maxDuration) ? millis : undefined
}

const atMost = `at most ${Duration.toHours(maxDuration)}h`

/**
 * Parses a duration such as `300ms`, `2s`, `1.5m` or `1h`.
 *
 * @since 0.1.0
 */
export const parseDuration = (text: string, option = "--job-duration"): Either.Either<Duration.Duration, InvalidOption> => {
  const millis = durationMillis(text)
  return millis === undefined
    ? Either.left(
      new InvalidOption({ option, value: text, detail: `expected a number followed by ms, s, m or h, ${atMost}, for example 2s` })
    )
    : Either.right(Duration.millis(millis))
}

const parseRate = (item: string, value: string): Either.Either<number, string> => {
  const rate = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : Number.NaN
  return rate >= 0 && rate <= 1
    ? Either.right(rate)
    : Either.left(`${item}: expected a rate from 0 to 1, for example 0.2`)
}

const faultParsers: Record<string, (faults: Fault.Rates, item: string, value: string) => Either.Either<Fault.Rates, string>> = {
  throttle: (faults, item, value) => Either.map(parseRate(item, value), (throttle) => ({ ...faults, throttle })),
  error5xx: (faults, item, value) => Either.map(parseRate(item, value), (error5xx) => ({ ...faults, error5xx })),
  "delay-restore-answer": (faults, item, value) => {
    const millis = durationMillis(value)
    return millis === undefined
      ? Either.left(`${item}: expected a duration such as 5s, ${atMost}`)
      : Either.right({ ...faults, delayRestoreAnswer: Duration.millis(millis) })
  },
  "drop-restore-answer": (faults, item, value) =>
    Either.map(parseRate(item, value), (dropRestoreAnswer) => ({ ...faults, dropRestoreAnswer })),
  latency: (faults, item, value) => {
    const millis = durationMillis(value)
    return millis === undefined
      ? Either.left(`${item}: expected a duration such as 20ms, ${atMost}`)
      : Either.right({ ...faults, latency: Duration.millis(millis) })
  },
  "clock-skew": (faults, item, value) => {
    const behind = value.startsWith("-")
    const millis = durationMillis(behind || value.startsWith("+") ? value.slice(1) : value)
    return millis === undefined
      ? Either.left(`${item}: expected a duration such as 20m (ahead) or -20m (behind), ${atMost}`)
      : Either.right({ ...faults, clockSkew: Duration.millis(millis), ...(behind ? { clockSkewBehind: true } : {}) })
  }
}

/**
 * Parses a fault spec such as `throttle=0.2,error5xx=0.05,latency=20ms,drop-restore-answer=1,clock-skew=-20m`
 * into the fake's fault rates: rates are probabilities from 0 to 1 per request, a clock skew moves
 * the service's clock ahead (or behind, with `-`). The empty string means no faults; an unknown,
 * repeated or malformed item is refused by name.
 *
 * @since 0.1.0
 */
export const parseFaults = (spec: string): Either.Either<Fault.Rates, InvalidOption> => {
  const refuse = (detail: string) => Either.left(new InvalidOption({ option: "--faults", value: spec, detail }))
  let faults: Fault.Rates = {}
  const seen = new Set<string>()
  for (const item of spec.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    const equals = item.indexOf("=")
    const name = equals === -1 ? item : item.slice(0, equals).trim()
    const parser = faultParsers[name]
    if (parser === undefined) {
      return refuse(`unknown fault ${quote(name)}; known: ${Object.keys(faultParsers).join(", ")}`)
    }
    if (equals === -1) return refuse(`${clip(item)}: expected ${name}=<value>`)
    if (seen.has(name)) return refuse(`${name} is given twice`)
    seen.add(name)
    const next = parser(faults, clip(item), item.slice(equals + 1).trim())
    if (Either.isLeft(next)) return refuse(next.left)
    faults = next.right
  }
  return Either.right(faults)
}

/**
 * Parses a fleet size: an integer from 0 to `DemoFixture.fleetLimit`.
 *
 * @since 0.1.0
 */
export const parseInstances = (text: string): Either.Either<number, InvalidOption> => {
  const count = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  return count >= 0 && count <= DemoFixture.fleetLimit
    ? Either.right(count)
    : Either.left(
      new InvalidOption({ option: "--instances", value: text, detail: `expected an integer from 0 to ${DemoFixture.fleetLimit}` })
    )
}

const fleetSeedLimit = 100

const parseFleet = (
  instances: string | undefined,
  seed: string | undefined
): Either.Either<DemoFixture.FleetOptions | undefined, InvalidOption> => {
  if (seed !== undefined && (seed === "" || seed.length > fleetSeedLimit)) {
    return Either.left(
      new InvalidOption({ option: "--fleet-seed", value: seed, detail: `expected a text of 1 to ${fleetSeedLimit} characters` })
    )
  }
  if (instances === undefined) {
    return seed === undefined
      ? Either.right(undefined)
      : Either.left(new InvalidOption({ option: "--fleet-seed", value: seed, detail: "it names a fleet: give --instances N too" }))
  }
  return Either.map(parseInstances(instances), (count) => (seed === undefined ? { count } : { count, seed }))
}

/**
 * Parses a port number: an integer from 0 (any free port) to 65535.
 *
 * @since 0.1.0
 */
export const parsePort = (text: string): Either.Either<number, InvalidOption> => {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN
  return port >= 0 && port <= 65_535
    ? Either.right(port)
    : Either.left(new InvalidOption({ option: "--port", value: text, detail: "expected an integer from 0 to 65535" }))
}

const optionSpec = {
  host: { type: "string" },
  port: { type: "string" },
  seed: { type: "string" },
  instances: { type: "string" },
  "fleet-seed": { type: "string" },
  faults: { type: "string" },
  "job-duration": { type: "string" },
  "visibility-delay": { type: "string" },
  "task-order": { type: "string" },
  help: { type: "boolean" }
} as const

// Node's message quotes the argument it refused (twice, for an unknown option), whole.
const unusable = (error: unknown): InvalidOption => {
  const detail = error instanceof Error ? error.message : String(error)
  const named = /'(--?[^'\s]+)/.exec(detail)
  return new InvalidOption({ option: named?.[1] === undefined ? "arguments" : clip(named[1]), value: "", detail: clip(detail, maxReason) })
}

/**
 * Parses the bin's arguments (without `node` and the script path).
 *
 * @since 0.1.0
 */
export const parseArgs = (argv: ReadonlyArray<string>): Either.Either<Options, InvalidOption> => {
  let values: ReturnType<typeof NodeUtil.parseArgs<{ options: typeof optionSpec }>>["values"]
  try {
    values = NodeUtil.parseArgs({ args: [...argv], options: optionSpec, strict: true, allowPositionals: false }).values
  } catch (error) {
    return Either.left(unusable(error))
  }
  return Either.gen(function*() {
    const host = values.host ?? "127.0.0.1"
    if (host.trim() === "") {
      return yield* Either.left(new InvalidOption({ option: "--host", value: host, detail: "expected an address" }))
    }
    const port = values.port === undefined ? 0 : yield* parsePort(values.port)
    const faults = values.faults === undefined ? {} : yield* parseFaults(values.faults)
    const fleet = yield* parseFleet(values.instances, values["fleet-seed"])
    if (values.seed === "") {
      return yield* Either.left(new InvalidOption({ option: "--seed", value: "", detail: "expected a file path" }))
    }
    const jobDuration = values["job-duration"] === undefined
      ? undefined
      : yield* parseDuration(values["job-duration"], "--job-duration")
    const visibilityDelay = values["visibility-delay"] === undefined
      ? undefined
      : yield* parseDuration(values["visibility-delay"], "--visibility-delay")
    const taskOrder = values["task-order"]
    if (taskOrder !== undefined && !FakeDds.taskOrders.includes(taskOrder as FakeDds.TaskOrder)) {
      return yield* Either.left(
        new InvalidOption({ option: "--task-order", value: taskOrder, detail: `expected one of ${FakeDds.taskOrders.join(", ")}` })
      )
    }
    return {
      host,
      port,
      faults,
      ...(taskOrder === undefined ? {} : { taskOrder: taskOrder as FakeDds.TaskOrder }),
      help: values.help === true,
      ...(values.seed === undefined ? {} : { seedFile: values.seed }),
      ...(fleet === undefined ? {} : { fleet }),
      ...(jobDuration === undefined ? {} : { jobDuration }),
      ...(visibilityDelay === undefined ? {} : { visibilityDelay })
    }
  })
}
