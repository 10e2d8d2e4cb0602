/**
 * Counting the instances of a batch as their restores end, for people: on a terminal one bar
 * redrawn in place (`[████░░░░] 37/100 instances done, 2 failed`), elsewhere (a log, a pipe) one
 * line per instance done.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Output } from "./Output.js"

/**
 * The bar line: how many instances are done out of all, and how many of them failed.
 *
 * @since 0.1.0
 */
export const barLine = (done: number, total: number, failed: number, width = 30): string => {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total} instances done` +
    (failed === 0 ? "" : `, ${failed} failed`)
}

/**
 * What one instance's restore ended with: its job, or the tag of its error.
 *
 * @since 0.1.0
 */
export type Ended =
  | { readonly instanceId: string; readonly jobId: string }
  | { readonly instanceId: string; readonly errorTag: string }

/**
 * The plain line of one instance done: `37/100 <id>: job <job id>` or `37/100 <id>: <error tag>`.
 *
 * @since 0.1.0
 */
export const plainLine = (done: number, total: number, ended: Ended): string =>
  `${done}/${total} ${ended.instanceId}: ${"jobId" in ended ? `job ${ended.jobId}` : ended.errorTag}`

/**
 * A counter drawn on standard error.
 *
 * @since 0.1.0
 */
export interface Counter {
  readonly ended: (ended: Ended) => Effect.Effect<void>
  /** Ends the drawing: the bar's line is closed with a newline. */
  readonly end: Effect.Effect<void>
}

/**
 * A counter of `total` instances for the output in context, drawn at once (0 done).
 *
 * @since 0.1.0
 */
export const make = (total: number): Effect.Effect<Counter, never, Output> =>
  Effect.flatMap(Output, (output) => {
    let done = 0
    let failed = 0
    let drawn = 0
    const draw = () => {
      const text = barLine(done, total, failed)
      // Pad over what a longer previous line left behind, without relying on escape codes.
      output.err(`\r${text.padEnd(drawn)}`)
      drawn = text.length
    }
    return Effect.as(
      Effect.sync(() => {
        if (output.errIsTerminal) draw()
      }),
      {
        ended: (ended) =>
          Effect.sync(() => {
            done += 1
            if ("errorTag" in ended) failed += 1
            if (output.errIsTerminal) draw()
            else output.err(`${plainLine(done, total, ended)}\n`)
          }),
        end: Effect.sync(() => {
          if (output.errIsTerminal && drawn > 0) output.err("\n")
          drawn = 0
        })
      }
    )
  })
