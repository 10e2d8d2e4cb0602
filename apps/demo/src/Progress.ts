/**
 * Following a restore job for people: on a terminal a progress bar redrawn in place on one line
 * (`\r`), elsewhere (a log, a pipe) one plain line per change; then a final status line either way.
 *
 * @since 0.1.0
 */
import { type JobWatch, RestoreClient } from "@dds-restore/client"
import type { Wire } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Output } from "./Output.js"

/**
 * What is drawn of one look at a job.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly id: string
  readonly status: string
  /** Percent done, when the service says. */
  readonly progress: number | undefined
}

/**
 * The width of the bar, in characters.
 *
 * @since 0.1.0
 */
export const BAR_WIDTH = 30

/**
 * The progress bar line: `[█████░░░░░] 45% Running  job <id>`; a job that completed is drawn full.
 *
 * @since 0.1.0
 */
export const barLine = (snapshot: Snapshot, width = BAR_WIDTH): string => {
  const percent = snapshot.status === "Completed" ? 100 : Math.max(0, Math.min(100, snapshot.progress ?? 0))
  const filled = Math.round((percent / 100) * width)
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(percent)).padStart(3)}% ${snapshot.status}  job ${snapshot.id}`
}

/**
 * The plain line of one change: `job <id>: Running 45%`.
 *
 * @since 0.1.0
 */
export const plainLine = (snapshot: Snapshot): string =>
  `job ${snapshot.id}: ${snapshot.status}${snapshot.progress === undefined ? "" : ` ${snapshot.progress}%`}`

/**
 * The final status line of a job that ended (or of one looked at once).
 *
 * @since 0.1.0
 */
export const statusLine = (job: Wire.Job): string => {
  const on = `on ${job.instance.name} (${job.instance.id})`
  switch (job.status) {
    case "Completed":
      return `Completed: job ${job.id} ${on}${job.ended === undefined ? "" : `, ended ${job.ended}`}`
    case "Failed":
      return `Failed: job ${job.id} ${on}: ${job.fail_reason ?? "the service gave no reason"}`
    case "Running":
      return `Running: job ${job.id} ${on}${job.progress === undefined ? "" : `, ${job.progress}`}`
  }
}

/**
 * Draws successive snapshots of one job on standard error.
 *
 * @since 0.1.0
 */
export interface Follower {
  readonly show: (snapshot: Snapshot) => Effect.Effect<void>
  /** Ends the drawing: the bar's line is closed with a newline. */
  readonly end: Effect.Effect<void>
}

/**
 * A follower for the output in context: a bar redrawn in place when standard error is a terminal,
 * plain lines otherwise, each only when something changed.
 *
 * @since 0.1.0
 */
export const follower: Effect.Effect<Follower, never, Output> = Effect.map(Output, (output) => {
  let last = ""
  let drawn = 0
  return {
    show: (snapshot) =>
      Effect.sync(() => {
        const text = output.errIsTerminal ? barLine(snapshot) : plainLine(snapshot)
        if (text === last) return
        last = text
        if (output.errIsTerminal) {
          // Pad over what a longer previous line left behind, without relying on escape codes.
          output.err(`\r${text.padEnd(drawn)}`)
          drawn = text.length
        } else {
          output.err(`${text}\n`)
        }
      }),
    end: Effect.sync(() => {
      if (output.errIsTerminal && drawn > 0) output.err("\n")
      drawn = 0
    })
  }
})

/**
 * Follows a job until it ends, drawing every change on standard error, and gives the job as last
 * seen: `Completed` or `Failed` (the caller decides what a failure means); fails with
 * `JobWaitTimeout`, `JobNotFound` or a read's error. The bar's line is closed however it ends.
 *
 * @since 0.1.0
 */
export const follow = (
  jobId: string,
  options: JobWatch.Options
): Effect.Effect<Wire.Job, Exclude<RestoreClient.WaitError, JobWatch.JobFailed>, RestoreClient.RestoreClient | Output> =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const drawing = yield* follower
    const last = yield* client.watchJob(jobId, options).pipe(
      Stream.tap(drawing.show),
      // The stream has emitted the Failed snapshot before failing: that snapshot is the answer.
      Stream.catchTag("JobFailed", () => Stream.empty),
      Stream.runLast,
      Effect.ensuring(drawing.end)
    )
    return yield* Option.match(last, {
      onNone: () => Effect.dieMessage(`watchJob(${jobId}) ended without a snapshot`),
      onSome: (snapshot) => Effect.succeed(snapshot.job)
    })
  })
