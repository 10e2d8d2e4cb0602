/**
 * Where the command line writes: standard output for results (and, with `--json`, exactly one JSON
 * document), standard error for people (the target line, progress, error text). A service so that
 * the renderers can be run against a recording output in tests.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

/**
 * The two streams of the command line.
 *
 * @since 0.1.0
 */
export interface Service {
  /** Writes text to standard output as is (no newline added). */
  readonly out: (text: string) => void
  /** Writes text to standard error as is (no newline added). */
  readonly err: (text: string) => void
  /** Whether standard error is a terminal, where a progress bar can be redrawn in place. */
  readonly errIsTerminal: boolean
}

/**
 * The command line's output streams.
 *
 * @since 0.1.0
 */
export class Output extends Context.Tag("@dds-restore/demo/Output")<Output, Service>() {}

/**
 * The process's own standard output and standard error.
 *
 * @since 0.1.0
 */
export const processStreams = (): Service =>
  Output.of({
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    errIsTerminal: process.stderr.isTTY === true
  })

/**
 * The process's own standard output and standard error, as a layer.
 *
 * @since 0.1.0
 */
export const layerProcess: Layer.Layer<Output> = Layer.sync(Output, processStreams)

/**
 * Writes one line to standard output.
 *
 * @since 0.1.0
 */
export const line = (text: string): Effect.Effect<void, never, Output> => Effect.map(Output, (output) => output.out(`${text}\n`))

/**
 * Writes one line to standard error.
 *
 * @since 0.1.0
 */
export const note = (text: string): Effect.Effect<void, never, Output> => Effect.map(Output, (output) => output.err(`${text}\n`))

/**
 * Writes a value as one JSON document on standard output, followed by a newline.
 *
 * @since 0.1.0
 */
export const json = (value: unknown): Effect.Effect<void, never, Output> =>
  Effect.map(Output, (output) => output.out(`${JSON.stringify(value, null, 2)}\n`))

/**
 * Where logs go: the client's warnings (a lost answer being settled, a retry) are for people, on
 * standard error, so that standard output keeps only results (one JSON document with `--json`).
 *
 * @since 0.2.0
 */
export const logger: Layer.Layer<never> = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))
