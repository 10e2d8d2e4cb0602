/**
 * The work of `dds-restore job`, and how a job is shown, which `restore --wait` shares.
 *
 * @since 0.1.0
 */
import { JobWatch, RestoreClient } from "@dds-restore/client"
import type { Wire } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import * as Target from "../Target.js"

/**
 * The JSON document of a job: `job_id`, `status`, and the job as the service gave it.
 *
 * @since 0.1.0
 */
export const document = (job: Wire.Job): Record<string, unknown> => ({
  job_id: job.id,
  status: job.status,
  ...(job.progress === undefined ? {} : { progress: JobWatch.progressOf(job.progress) }),
  ...(job.fail_reason === undefined ? {} : { fail_reason: job.fail_reason }),
  job
})

/**
 * The failure of a job seen `Failed`.
 *
 * @since 0.1.0
 */
export const failure = (job: Wire.Job): JobWatch.JobFailed =>
  new JobWatch.JobFailed({
    jobId: job.id,
    instanceId: job.instance.id,
    instanceName: job.instance.name,
    ...(job.fail_reason === undefined ? {} : { failReason: job.fail_reason })
  })

/**
 * The parsed options and arguments of `job`.
 *
 * @since 0.1.0
 */
export interface Input extends Global.Settings {
  readonly jobId: string
  readonly wait: boolean
  readonly json: boolean
}

/**
 * Shows the job once, or follows it until it ends.
 *
 * @since 0.1.0
 */
export const run = ({ jobId, json, wait, ...own }: Input) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const target = yield* Target.Target
    const job = wait ? yield* Progress.follow(jobId, target.jobWatch) : yield* client.job(jobId)
    if (!json) yield* Output.line(Progress.statusLine(job))
    if (job.status === "Failed") return yield* Failure.fail(failure(job), json ? document(job) : undefined)
    if (json) yield* Output.json(document(job))
  }).pipe(Target.provide(own), Failure.report(json))
