/**
 * The command line as a process: runs a program on the process's arguments and exits with its
 * code. The full program (`main.ts`) and the fast path (`fast.ts`) both run here, so that they
 * start and end alike.
 *
 * SIGINT and SIGTERM interrupt the run: the command says what it left (see `Interruption`) and the
 * process exits 130 or 143. One signal is enough: if the run has not ended a few seconds later,
 * the process exits anyway with the same code.
 *
 * The process exits as soon as the run has ended and its output is written (see `exitWhenWritten`).
 *
 * An exception thrown outside the run (from a callback of Node's, which no command expects) is a
 * defect like one inside it: said as such (see `Defect`), exit code 2, never a silent exit. The one
 * exception is standard output's reader going away (EPIPE, as with `| head`): the program ends
 * quietly with 141, the code of a program that SIGPIPE ended.
 *
 * @since 0.2.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Defect from "./Defect.js"
import * as Interruption from "./Interruption.js"
import * as Output from "./Output.js"
import * as Settle from "./Settle.js"

/**
 * A program of the command line: the exit code of a run on `argv` (as `process.argv`).
 *
 * @since 0.2.0
 */
export type Program = (
  argv: ReadonlyArray<string>,
  options: Settle.Options & { readonly stdinIsTerminal: boolean }
) => Effect.Effect<number, never, Output.Output>

const brokenPipeExitCode = 141

const isBrokenPipe = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && error.code === "EPIPE"

// Exits with the run's code once standard output and standard error hold nothing unwritten (a pipe
// whose reader is slow drains first). Without it, Node would end the process itself once nothing is
// left to run, after tearing its runtime down (its file system threads, its heap): measured from
// the `exit` event to the parent seeing the end, 57 ms against 18 ms for `validate` and 32 against 12
// for `--help` on a busy machine; and with the exit code it holds, which a signal set to 130 or 143
// even for a server it stopped normally.
// What is written is known by the callback of an empty write, which runs once everything queued
// before it is flushed: `drain` would come only after a write that returned false, never while
// less than 16 KiB waited behind a full pipe. A stream that fails instead of flushing is the
// uncaught exception above (its callback is left to it): a broken pipe's 141, or a defect.
const exitWhenWritten = (code: number): void => {
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0)
  let left = pending.length
  if (left === 0) process.exit(code)
  for (const stream of pending) {
    stream.write("", (error) => {
      if (error == null && --left === 0) process.exit(code)
    })
  }
}

/**
 * Runs a program on the process's arguments, then exits with its code.
 *
 * @since 0.2.0
 */
export const run = (program: Program): void => {
  let received: Interruption.Signal | undefined
  let interruptedCode: number | undefined

  const onSignal = (signal: Interruption.Signal) => () => {
    if (received !== undefined) return
    received = signal
    process.exitCode = Interruption.exitCodes[signal]
    setTimeout(() => process.exit(Interruption.exitCodes[signal]), 5_000).unref()
  }
  // Before runMain's own listeners, which interrupt the program: the signal is known when it is.
  process.once("SIGINT", onSignal("SIGINT"))
  process.once("SIGTERM", onSignal("SIGTERM"))

  // Whether standard output has received something: with --json, it holds one document at most.
  const streams = Output.processStreams()
  let written = false
  const output = Output.Output.of({
    ...streams,
    out: (text) => {
      streams.out(text)
      written = true
    }
  })
  const json = Settle.jsonRequested(process.argv)
  process.on("uncaughtException", (error) =>
    process.exit(
      // The reader of standard output went away (`dds-restore ... | head`): the program ends quietly,
      // with the code of one that SIGPIPE ended (128 + 13), as other commands of a pipeline do.
      isBrokenPipe(error) ? brokenPipeExitCode : Defect.reportNow(streams, error, json, written)
    )
  )

  NodeRuntime.runMain(
    program(process.argv, {
      signal: () => received,
      interruptedWith: (code) => (interruptedCode = code),
      stdinIsTerminal: process.stdin.isTTY === true
    }).pipe(
      Effect.flatMap((code) => Effect.sync(() => (process.exitCode = code))),
      Effect.provideService(Output.Output, output)
    ),
    {
      disableErrorReporting: true,
      disablePrettyLogger: true,
      teardown: () =>
        exitWhenWritten(received === undefined ? Number(process.exitCode ?? 0) : interruptedCode ?? Interruption.exitCodes[received])
    }
  )
}
