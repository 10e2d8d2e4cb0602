/**
 * What the `dds-restore-emulator` bin does, as functions that take their output writers, so that
 * the bin is a thin shell and the whole of it runs in-process in tests and in other commands.
 *
 * @since 0.1.0
 */
import { DemoFixture, Seed } from "@dds-restore/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs/promises"
import * as Emulator from "./Emulator.js"
import * as EmulatorOptions from "./EmulatorOptions.js"
import { clip, maxReason } from "./internal/quote.js"

/**
 * Where the bin writes lines: standard output and standard error in the bin, anything in tests.
 *
 * @since 0.1.0
 */
export interface Output {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

/**
 * A `--seed` file that could not be read or is not a valid seed. The message shows the path's first
 * 200 characters and the reason's first 1000, whatever their length.
 *
 * @since 0.1.0
 */
export class SeedFileError extends Schema.TaggedError<SeedFileError>("@dds-restore/emulator/SeedFileError")(
  "SeedFileError",
  {
    path: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The seed file ${clip(this.path)} could not be used: ${clip(this.detail, maxReason)}. ` +
      "Fix the file (JSON of the testing package's Seed schema) or leave --seed out to serve the demo fixture."
  }
}

/**
 * Reads and decodes a seed file (JSON of the testing package's `Seed` schema).
 *
 * @since 0.1.0
 */
export const loadSeed = (path: string): Effect.Effect<Seed.Seed, SeedFileError> =>
  Effect.tryPromise({
    try: () => Fs.readFile(path, "utf8"),
    catch: (error) =>
      new SeedFileError({ path, detail: error instanceof Error ? error.message : "it could not be read" })
  }).pipe(
    Effect.flatMap(Seed.decodeJson),
    Effect.catchTag("SeedError", (error) => Effect.fail(new SeedFileError({ path, detail: error.detail })))
  )

/**
 * Starts an emulator for parsed options and writes, first, exactly `listening on <url>`, then the
 * project id and the access key ids a client needs. Secret keys are never written: they can be
 * read from `GET /_emulator/state`.
 *
 * @since 0.1.0
 */
export const start = (
  options: EmulatorOptions.Options,
  out: (line: string) => void
): Effect.Effect<Emulator.Service, SeedFileError | Emulator.EmulatorError, Scope.Scope> =>
  Effect.gen(function*() {
    const seed = options.seedFile === undefined ? undefined : yield* loadSeed(options.seedFile)
    const emulator = yield* Emulator.make({
      host: options.host,
      port: options.port,
      faults: options.faults,
      ...(seed === undefined ? {} : { seed }),
      ...(options.fleet === undefined ? {} : { fleet: options.fleet }),
      ...(options.jobDuration === undefined ? {} : { jobDuration: options.jobDuration }),
      ...(options.visibilityDelay === undefined ? {} : { jobVisibleAfter: options.visibilityDelay }),
      ...(options.taskOrder === undefined ? {} : { taskOrder: options.taskOrder })
    })
    out(`listening on ${emulator.url}`)
    out(`project id: ${emulator.projectId}`)
    for (const credential of emulator.credentials) out(`access key id: ${credential.accessKeyId}`)
    if (options.fleet !== undefined) {
      out(`fleet: ${options.fleet.count} replica sets from seed ${JSON.stringify(options.fleet.seed ?? DemoFixture.defaultFleetSeed)}`)
    }
    out(`secret keys and state: GET ${emulator.url}${Emulator.statePath}`)
    return emulator
  })

/**
 * The bin: parses `argv`, starts the emulator and serves until interrupted (the bin interrupts on
 * SIGINT/SIGTERM), closing it with the scope. Returns the exit code when it stops by itself: 0
 * after `--help`, 1 after a bad argument, seed file or address, with the reason on `err`.
 *
 * @since 0.1.0
 */
export const run = (argv: ReadonlyArray<string>, output: Output): Effect.Effect<number, never, Scope.Scope> =>
  Effect.gen(function*() {
    const parsed = EmulatorOptions.parseArgs(argv)
    if (Either.isLeft(parsed)) {
      output.err(parsed.left.message)
      return 1
    }
    if (parsed.right.help) {
      output.out(EmulatorOptions.usage)
      return 0
    }
    return yield* start(parsed.right, output.out).pipe(
      Effect.zipRight(Effect.never),
      Effect.catchAll((error) => Effect.sync(() => output.err(error.message)).pipe(Effect.as(1)))
    )
  })
