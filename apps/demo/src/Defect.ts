/**
 * A defect: the program failed in a way it did not expect (a bug of its own, or an environment it
 * cannot work in), as opposed to a failure a command reports (an invalid plan, a service error).
 * It is said as such, never a silent exit: a short message on standard error, with `--json` also
 * one JSON document `{ error: { tag: "Defect", message, exit_code: 2 } }` on standard output, and
 * exit code 2. A defect inside a command reaches `report` (see `Cli.settle`); one thrown outside any
 * command (from a callback of Node's) reaches `reportNow` (see `main.ts`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Failure from "./Failure.js"
import * as Output from "./Output.js"
import { printable } from "./Printable.js"

/**
 * The exit code of a defect.
 *
 * @since 0.1.0
 */
export const exitCode: number = Failure.ExitCode.service

// What the defect itself says, cut short: the message is for a bug report, not a dump.
const MAX_DETAIL = 300

/**
 * The one-line message of a defect: what failed, and that it is a bug to report.
 *
 * @since 0.1.0
 */
export const message = (defect: unknown): string => {
  const detail = defect instanceof Error ? `${defect.name}: ${defect.message}` : safeString(defect)
  const short = detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail
  return `dds-restore failed unexpectedly (a defect of this program; please report it): ${printable(short)}`
}

const safeString = (value: unknown): string => {
  try {
    return String(value)
  } catch {
    return typeof value
  }
}

/**
 * The JSON document of a defect.
 *
 * @since 0.1.0
 */
export const document = (defect: unknown): { readonly error: { readonly tag: "Defect"; readonly message: string; readonly exit_code: number } } => ({
  error: { tag: "Defect", message: message(defect), exit_code: exitCode }
})

/**
 * Reports a defect inside a run: its message on standard error and, with `json`, its document on
 * standard output; gives the exit code.
 *
 * @since 0.1.0
 */
export const report = (defect: unknown, json: boolean): Effect.Effect<number, never, Output.Output> =>
  Effect.map(Output.Output, (output) => reportNow(output, defect, json))

/**
 * Reports a defect at once, outside any run (from a process's `uncaughtException`); with
 * `json`, the document is written only when `documentWritten` is false, so that standard output
 * still holds one document. Writing never throws: a stream that fails leaves the exit code to say it.
 *
 * @since 0.1.0
 */
export const reportNow = (output: Output.Service, defect: unknown, json: boolean, documentWritten = false): number => {
  attempt(() => output.err(`error: ${message(defect)}\n`))
  if (json && !documentWritten) attempt(() => output.out(`${JSON.stringify(document(defect), null, 2)}\n`))
  return exitCode
}

const attempt = (write: () => void): void => {
  try {
    write()
  } catch {
    // Nothing more can be said where nothing can be written; the exit code still says it.
  }
}
