/**
 * Waiting on a restore job: how the job is polled (a 404 just after the submission means "not
 * visible yet", back-off from an initial to a maximum interval, a total timeout), what each
 * change looks like, and how a wait ends badly.
 *
 * @since 0.1.0
 */
import type { Wire } from "@dds-restore/domain"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as Durations from "./internal/durations.js"
import { clip, maxHolder } from "./internal/segment.js"

// The most characters of the service's fail_reason a message shows.
const maxReason = 500

/**
 * How a job is polled; each option left out keeps its default (see `defaults`), and one out of its
 * bounds (`minInterval`, `maxTimeout`) is refused with `InvalidArgument` before the job is read.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The wait before the second read; doubled after every read, up to `maxInterval`. */
  readonly initialInterval?: Duration.DurationInput | undefined
  /** No wait between two reads is longer than this. */
  readonly maxInterval?: Duration.DurationInput | undefined
  /** The whole wait, from the first read: past it, the wait fails with `JobWaitTimeout`. */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long after the first read a 404 is taken for a job not visible yet, not a wrong id. */
  readonly notVisibleFor?: Duration.DurationInput | undefined
}

/**
 * The resolved polling settings.
 *
 * @since 0.1.0
 */
export interface Settings {
  readonly initialInterval: Duration.Duration
  readonly maxInterval: Duration.Duration
  readonly timeout: Duration.Duration
  readonly notVisibleFor: Duration.Duration
}

/**
 * The defaults: 2 s doubling up to 30 s, 2 hours in all, 404s taken as "not visible yet" for 30 s.
 *
 * @since 0.1.0
 */
export const defaults: Settings = {
  initialInterval: Duration.seconds(2),
  maxInterval: Duration.seconds(30),
  timeout: Duration.hours(2),
  notVisibleFor: Duration.seconds(30)
}

/**
 * The longest `timeout` (and `notVisibleFor`), 7 days: a restore job runs for hours, not weeks; a
 * longer wait is refused with `InvalidArgument` before the job is read (wait on it again instead).
 *
 * @since 0.2.0
 */
export const maxTimeout: Duration.Duration = Duration.days(7)

/**
 * The shortest `initialInterval` and `maxInterval`, 10 milliseconds: the job is not read back to
 * back; a shorter one is refused with `InvalidArgument`.
 *
 * @since 0.2.0
 */
export const minInterval: Duration.Duration = Duration.millis(10)

/**
 * The settings from the defaults and the options given.
 *
 * @since 0.1.0
 */
export const settings = (options: Options = {}): Settings => Durations.resolve(defaults, options)

/**
 * The job as one read saw it: its status, its progress in percent while it runs, and the whole
 * job as the service gave it.
 *
 * @since 0.1.0
 */
export interface Snapshot {
  readonly id: string
  readonly status: Wire.JobStatus
  readonly progress: number | undefined
  readonly job: Wire.Job
}

/**
 * The percent of a progress the service writes as `"45%"`; undefined when absent or unreadable.
 *
 * @since 0.1.0
 */
export const progressOf = (text: string | undefined): number | undefined => {
  const match = text === undefined ? null : /^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$/.exec(text)
  return match === null ? undefined : Number(match[1])
}

/**
 * The snapshot of a job.
 *
 * @since 0.1.0
 */
export const snapshot = (job: Wire.Job): Snapshot => ({
  id: job.id,
  status: job.status,
  progress: progressOf(job.progress),
  job
})

/**
 * The restore job ended `Failed`. Nothing was overwritten (a restore never does), so it can be
 * submitted again once the reason is dealt with.
 *
 * @since 0.1.0
 */
export class JobFailed extends Schema.TaggedError<JobFailed>("@dds-restore/client/JobFailed")("JobFailed", {
  jobId: Schema.String,
  instanceId: Schema.String,
  instanceName: Schema.String,
  /** The service's `fail_reason`, when it gave one. */
  failReason: Schema.optionalWith(Schema.String, { exact: true })
}) {
  /** @since 0.1.0 */
  override get message(): string {
    // The service's words, cut short so that a runaway answer cannot flood a log.
    const reason = this.failReason === undefined || this.failReason === ""
      ? "the service gave no reason"
      : clip(this.failReason, maxReason)
    return `Restore job ${clip(this.jobId)} on instance ${clip(this.instanceName, maxHolder)} (${clip(this.instanceId)}) failed: ${reason}. ` +
      "Nothing was overwritten: deal with the reason (a time outside the restorable windows, a name that exists, " +
      "a namespace too long, the instance's state), then submit the restore again; quote the job id if you contact support."
  }
}

/**
 * The job did not end within the wait's timeout. It may still be running: the wait gave up, not
 * the job.
 *
 * @since 0.1.0
 */
export class JobWaitTimeout extends Schema.TaggedError<JobWaitTimeout>("@dds-restore/client/JobWaitTimeout")(
  "JobWaitTimeout",
  {
    jobId: Schema.String,
    /** How long the wait lasted, in milliseconds. */
    waitedMillis: Schema.Number,
    /** The last status read, when the job was visible at all. */
    lastStatus: Schema.optionalWith(Schema.String, { exact: true }),
    /** The last progress read, in percent. */
    lastProgress: Schema.optionalWith(Schema.Number, { exact: true })
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const seen = this.lastStatus === undefined
      ? "it never became visible"
      : `last seen ${clip(this.lastStatus)}${this.lastProgress === undefined ? "" : ` at ${this.lastProgress}%`}`
    return `Restore job ${clip(this.jobId)} did not end within ${Duration.format(Duration.millis(this.waitedMillis))} (${seen}). ` +
      "It may still be running: wait on it again (RestoreClient.waitForJob) with a longer timeout or watch it in the console; do not submit the restore again."
  }
}

/**
 * The job still answered 404 after the time a new job takes to become visible: the id is not a
 * job of this project.
 *
 * @since 0.1.0
 */
export class JobNotFound extends Schema.TaggedError<JobNotFound>("@dds-restore/client/JobNotFound")("JobNotFound", {
  jobId: Schema.String,
  /** How long the job answered 404, in milliseconds. */
  waitedMillis: Schema.Number,
  /** `X-Request-Id` of the last 404, to quote to support. */
  requestId: Schema.optionalWith(Schema.String, { exact: true })
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : ` (request id ${clip(this.requestId)})`
    return `Job ${clip(this.jobId)} was not found for ${Duration.format(Duration.millis(this.waitedMillis))}${id}: ` +
      "check the job id, and that the project id and the endpoint (region) are the ones the restore was submitted to."
  }
}
