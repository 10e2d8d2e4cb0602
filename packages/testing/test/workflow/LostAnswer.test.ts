// A restore whose answer is lost, over the fake under TestClock: a 5xx leaves the outcome unknown
// (resent once only when asked, and only once the task list shows no job), and reconcile settles a
// submission made elsewhere without handing a job out twice. The crowd of lost answers and the
// late job are scenarios of the workflow suite (suite/LostAnswer.ts).
import { DdsRequest, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { FakeDds, Fault, Seed } from "../../src/index.js"
import { atNow, clientOver, credentials, DAY, ENDPOINT, HOUR, MINUTE, NOW, settled } from "./support.js"

const INSTANCES = ["rs0", "rs1", "rs2", "rs3", "rs4"] as const

const seed = Seed.make({
  instances: INSTANCES.map((id) =>
    Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders"] } })
  )
})

/** A restore of `orders` under a name of the caller's own, so that its job can be told from the others. */
const planFor = (newName: string) =>
  RestorePlan.make([
    RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName, at: NOW - HOUR })])
  ])

const run = <A, E>(effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>, fake: FakeDds.Options) =>
  atNow(effect).pipe(Effect.provide(clientOver(seed, fake)))

describe("a restore whose answer is lost", () => {
  it.effect("a 5xx that started nothing: the outcome is unknown, and with resubmitIfAbsent it is resent once", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const fake = yield* FakeDds.FakeDds

        yield* fake.injectFault({ operation: "restore", fault: Fault.serverError(503) })
        const unknown = yield* settled(Effect.flip(client.restore("rs0", planFor("orders_a"), { preflight: false })))
        expect(unknown._tag).toBe("RestoreOutcomeUnknown")
        if (unknown._tag !== "RestoreOutcomeUnknown") return
        expect([unknown.instanceId, unknown.submittedAt, unknown.searchedFrom]).toStrictEqual(["rs0", NOW, NOW - 15 * MINUTE])
        expect(unknown.error).toMatchObject({ _tag: "ServiceError", status: 503 })
        expect(unknown.message).toContain(
          `Before trying again, look in the task list (GET /v3.1/{project_id}/jobs?name=MongodbRestoreTable, RestoreClient.restoreTasks) or the console's task center for MongodbRestoreTable jobs of instance rs0 since ${
            new Date(NOW - 15 * MINUTE).toISOString()
          }; submit again only if there is none.`
        )
        expect([(yield* fake.requests).restore, (yield* fake.jobs).length]).toStrictEqual([1, 0])

        yield* fake.injectFault({ operation: "restore", fault: Fault.serverError(503) })
        const resent = yield* settled(client.restore("rs0", planFor("orders_b"), { preflight: false, resubmitIfAbsent: true }))
        expect(resent.reconciled).toBe(false)
        expect([(yield* fake.requests).restore, (yield* fake.jobs).map((job) => job.id)]).toStrictEqual([3, [resent.jobId]])

        // At most once: a second 5xx leaves the outcome unknown.
        yield* fake.injectFault({ operation: "restore", fault: Fault.serverError(503), times: 2 })
        const twice = yield* settled(Effect.flip(client.restore("rs1", planFor("orders_c"), { preflight: false, resubmitIfAbsent: true })))
        expect(twice._tag).toBe("RestoreOutcomeUnknown")
        expect([(yield* fake.requests).restore, (yield* fake.jobs).length]).toStrictEqual([5, 1])
      }),
      { busyWhileRestoring: false }
    ))

  it.effect("reconcile settles a submission made elsewhere, and never hands the same job out twice", () =>
    run(
      Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const fake = yield* FakeDds.FakeDds
        // Another process submitted a restore and crashed before reading the answer.
        const signed = yield* AkSkSigner.make(credentials).sign(DdsRequest.make({
          method: "POST",
          url: `${ENDPOINT}/v3/${seed.projectId}/instances/rs2/restore/collections`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(RestorePlan.encode(planFor("orders_elsewhere")))
        }))
        const answer = JSON.parse((yield* fake.handle(signed)).body) as { readonly job_id: string }

        expect(yield* settled(client.reconcile("rs2", NOW))).toStrictEqual({ jobId: answer.job_id, reconciled: true })
        const again = yield* settled(Effect.flip(client.reconcile("rs2", NOW, { wait: "10 seconds" })))
        expect(again._tag).toBe("RestoreOutcomeUnknown")
        const stale = yield* Effect.flip(client.reconcile("rs2", NOW - 40 * DAY))
        expect(stale).toMatchObject({ _tag: "InvalidArgument", operation: "reconcile" })
      }),
      {}
    ))
})
