/** The team's job: read a plan file, check it against the clock, submit it, and wait for its job. */
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

export const restorePlanFile = (instanceId: string, planJson: string) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const plan = yield* RestorePlan.decodeJson(planJson, { now: yield* Clock.currentTimeMillis })
    // The client checks the plan against the instance first (preflight) and refuses to send it
    // when something is wrong; then it submits once and follows the job to its end.
    const { jobId } = yield* client.restore(instanceId, plan)
    return yield* client.waitForJob(jobId)
  })
