/** The team's job: read a plan file, check it against the clock, submit it, and wait for its job. */
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

export const restorePlanFile = (instanceId: string, planJson: string) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const plan = yield* RestorePlan.decodeJson(planJson, { now: yield* Clock.currentTimeMillis })
    const jobId = yield* client.restore(instanceId, plan)
    // A job just submitted answers 404 for a few seconds: every look, the first one too, waits 10 s.
    return yield* client.job(jobId).pipe(
      Effect.delay("10 seconds"),
      Effect.repeat({ while: (job) => job.status === "Running" })
    )
  })
