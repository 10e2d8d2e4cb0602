/**
 * How a run of the command line ends, whatever its program did: the exit code of a failure the
 * program reported (`Failure.Exit`), a defect reported as such (see `Defect`), and an interruption
 * by a signal reported with the state it left (see `Interruption`). The full program (`Cli.run`)
 * and the fast path (`fast.ts`) both end here, so that they end alike; @effect/cli's refusal of the
 * arguments, which only the full program meets, is handed in by it.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Defect from "./Defect.js"
import * as Failure from "./Failure.js"
import * as Interruption from "./Interruption.js"
import * as Output from "./Output.js"

/**
 * Whether `argv` (as `process.argv`) asks for one JSON document on standard output (`--json`).
 *
 * @since 0.2.0
 */
export const jsonRequested = (argv: ReadonlyArray<string>): boolean => argv.slice(2).includes("--json")

/**
 * What a run is told about the signal that may interrupt it.
 *
 * @since 0.2.0
 */
export interface Options {
  /** The signal that is interrupting the run, when one is. */
  readonly signal?: () => Interruption.Signal | undefined
  /** Told the exit code of an interrupted run (130, 143, or 0 for a server stopped). */
  readonly interruptedWith?: (code: number) => void
}

/**
 * Ends a run: the exit code of a failure the program reported, the exit code `refused` gives for
 * an error it recognises (`undefined` for others), anything else reported as a defect (see
 * `Defect`), and an interruption by a signal reported with the state it left. With `json`,
 * standard output holds one JSON document in every case: a defect after the program wrote its
 * document adds none.
 *
 * @since 0.2.0
 */
export const settle = <R, R2 = never>(
  program: Effect.Effect<unknown, unknown, R>,
  json: boolean,
  options: Options = {},
  refused: (error: unknown) => Effect.Effect<number, never, R2> | undefined = () => undefined
): Effect.Effect<number, never, R | R2 | Output.Output> =>
  Effect.suspend(() => {
    let written = false
    const tracked = Effect.provideServiceEffect(
      program,
      Output.Output,
      Effect.map(Output.Output, (output) => ({ ...output, out: (text: string) => {
        output.out(text)
        written = true
      } }))
    )
    return tracked.pipe(
      Effect.as(Failure.ExitCode.done),
      Effect.catchAll((error): Effect.Effect<number, never, R2 | Output.Output> =>
        error instanceof Failure.Exit
          ? Effect.succeed(error.code)
          // Nothing else is typed to reach here; anything that does anyway is a bug of this program.
          : refused(error) ?? Defect.report(error, json && !written)
      ),
      // A defect is a bug of this program: said as such, never a silent exit.
      Effect.catchAllDefect((defect) => Defect.report(defect, json && !written)),
      Effect.onInterrupt(() => {
        const signal = options.signal?.()
        return signal === undefined
          ? Effect.void
          : Effect.flatMap(Interruption.report(signal, json), (code) => Effect.sync(() => options.interruptedWith?.(code)))
      })
    )
  })
