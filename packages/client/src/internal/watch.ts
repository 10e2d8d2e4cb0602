/**
 * Polling one job until it ends, on the Effect `Clock`: a snapshot on every change, back-off
 * between reads, a 404 taken for "not visible yet" for a while after the first read, a total
 * timeout, and nothing left running once the stream is interrupted.
 */
import type { Wire } from "@dds-restore/domain"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type CallError, type InvalidArgument, ServiceError } from "../CallError.js"
import * as JobWatch from "../JobWatch.js"
import { jobWatchSettings } from "./arguments.js"

/** Every way a watch can end badly once the id is known to be well formed. */
export type WatchError = JobWatch.JobFailed | JobWatch.JobWaitTimeout | JobWatch.JobNotFound | CallError

interface State {
  /** Reads made so far. */
  readonly reads: number
  /** The wait before the next read. */
  readonly interval: number
  /** The last snapshot emitted. */
  readonly last: JobWatch.Snapshot | undefined
  /** Set once the job has ended: the stream stops, or fails after the `Failed` snapshot. */
  readonly ended: "Completed" | "Failed" | undefined
}

// What tells two snapshots apart for the stream: anything a person watching would see change.
const sameAs = (a: JobWatch.Snapshot | undefined, b: JobWatch.Snapshot): boolean =>
  a !== undefined &&
  a.status === b.status &&
  a.job.progress === b.job.progress &&
  a.job.ended === b.job.ended &&
  a.job.fail_reason === b.job.fail_reason

// The service answers an unknown job with its code for a resource not found, DBS.280016, which
// its reference lists under 400; the fake answers it 404.
const isNotFound = (error: CallError): error is ServiceError =>
  error instanceof ServiceError && (error.status === 404 || error.code === "DBS.280016")

/** The snapshots of a job from its first read to its end; options out of their bounds are refused before any read. */
export const watch = (
  operation: string,
  read: (jobId: string) => Effect.Effect<Wire.Job, CallError>,
  jobId: string,
  options: JobWatch.Options
): Stream.Stream<JobWatch.Snapshot, WatchError | InvalidArgument> =>
  Stream.unwrap(Effect.zipWith(jobWatchSettings(operation, options), Clock.currentTimeMillis, (settings, start) => {
    const initial = Duration.toMillis(settings.initialInterval)
    const max = Duration.toMillis(settings.maxInterval)
    const deadline = start + Duration.toMillis(settings.timeout)
    const notVisibleUntil = start + Duration.toMillis(settings.notVisibleFor)

    const timedOut = (state: State, now: number) =>
      new JobWatch.JobWaitTimeout({
        jobId,
        waitedMillis: now - start,
        ...(state.last === undefined ? {} : { lastStatus: state.last.status }),
        ...(state.last?.progress === undefined ? {} : { lastProgress: state.last.progress })
      })

    const step = (state: State): Effect.Effect<Option.Option<readonly [Chunk.Chunk<JobWatch.Snapshot>, State]>, WatchError> =>
      Effect.gen(function*() {
        if (state.ended === "Completed") return Option.none()
        if (state.ended === "Failed" && state.last !== undefined) {
          const job = state.last.job
          return yield* new JobWatch.JobFailed({
            jobId,
            instanceId: job.instance.id,
            instanceName: job.instance.name,
            ...(job.fail_reason === undefined ? {} : { failReason: job.fail_reason })
          })
        }
        if (state.reads > 0) {
          const now = yield* Clock.currentTimeMillis
          if (now >= deadline) return yield* timedOut(state, now)
          yield* Effect.sleep(Duration.millis(Math.min(state.interval, deadline - now)))
        }
        // The first wait is the initial interval; every later one doubles, up to the maximum.
        const next = { ...state, reads: state.reads + 1, interval: state.reads === 0 ? state.interval : Math.min(state.interval * 2, max) }
        const job = yield* read(jobId).pipe(
          Effect.map(Option.some),
          Effect.catchIf(isNotFound, (error) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) =>
              // A new job answers 404 for a few seconds; a 404 after the job was seen is not that.
              now < notVisibleUntil && state.last === undefined
                ? Effect.succeed(Option.none<Wire.Job>())
                : Effect.fail(
                  new JobWatch.JobNotFound({
                    jobId,
                    waitedMillis: now - start,
                    ...(error.requestId === undefined ? {} : { requestId: error.requestId })
                  })
                )))
        )
        if (Option.isNone(job)) return Option.some([Chunk.empty(), next] as const)
        const seen = JobWatch.snapshot(job.value)
        const ended = seen.status === "Running" ? undefined : seen.status
        if (sameAs(state.last, seen)) return Option.some([Chunk.empty(), { ...next, ended }] as const)
        return Option.some([Chunk.of(seen), { ...next, last: seen, ended }] as const)
      })

    return Stream.unfoldChunkEffect<State, JobWatch.Snapshot, WatchError, never>(
      { reads: 0, interval: initial, last: undefined, ended: undefined },
      step
    )
  }))
