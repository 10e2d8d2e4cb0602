// Waiting on a restore job: it ends with the Completed job, or fails with JobFailed and the
// service's reason after the Failed snapshot.
import { RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Seed } from "@dds-restore/testing"
import { describe, expect } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { DAY, type Harness, HOUR, MINUTE, seedOf } from "./Harness.js"

export const jobScenarios = (h: Harness) =>
  describe("waitForJob and watchJob", () => {
    /** Runs `body` with a client over one replica set, `rs1`, and the id of a restore just submitted on it. */
    const run = <A, E>(body: (jobId: string) => Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>, failWith?: string) =>
      Effect.gen(function*() {
        const now = yield* h.now
        const seed = seedOf({
          instances: [
            Seed.replicaSet({ id: "rs1", name: "orders-rs", windows: [{ start: now - DAY, end: now - MINUTE }], databases: { shop: ["orders"] } })
          ]
        })
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - HOUR })])
        ])
        const { layer } = yield* h.client(seed)
        return yield* Effect.gen(function*() {
          const fake = yield* FakeDds.FakeDds
          if (failWith !== undefined) yield* fake.failNextRestore(failWith)
          const client = yield* RestoreClient.RestoreClient
          const { jobId } = yield* client.restore("rs1", plan, { preflight: false })
          return yield* body(jobId)
        }).pipe(Effect.provide(layer))
      })

    h.it("waitForJob ends with the Completed job", () =>
      run((jobId) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const job = yield* h.settled(client.waitForJob(jobId, h.timing.watch))
          expect([job.id, job.status, job.progress, job.fail_reason, job.instance.id]).toStrictEqual([
            jobId,
            "Completed",
            undefined,
            undefined,
            "rs1"
          ])
        })
      ))

    const reason = "the incremental backup of 2026-11-20 is damaged"

    h.it("a Failed job fails the wait with JobFailed and the service's fail_reason, after its Failed snapshot", () =>
      run((jobId) =>
        Effect.gen(function*() {
          const client = yield* RestoreClient.RestoreClient
          const error = yield* h.settled(Effect.flip(client.waitForJob(jobId, h.timing.watch)))
          expect(error).toMatchObject({ _tag: "JobFailed", jobId, instanceId: "rs1", instanceName: "orders-rs", failReason: reason })
          expect(error.message).toBe(
            `Restore job ${jobId} on instance orders-rs (rs1) failed: ${reason}. Nothing was overwritten: deal with the reason ` +
              "(a time outside the restorable windows, a name that exists, a namespace too long, the instance's state), then submit the restore again; quote the job id if you contact support."
          )

          const seen = yield* h.settled(Stream.runCollect(Stream.either(client.watchJob(jobId, h.timing.watch))))
          const [failed, ended] = Chunk.toReadonlyArray(seen)
          expect(failed !== undefined && Either.isRight(failed) && [failed.right.status, failed.right.job.fail_reason]).toStrictEqual([
            "Failed",
            reason
          ])
          expect(ended !== undefined && Either.isLeft(ended) && ended.left._tag).toBe("JobFailed")
          expect(seen.length).toBe(2)
        }), reason))
  })
