// In a paced batch a restore takes its instance's lease once the pace has room for it, and one
// that finds the lease held by another runner sends nothing and hands its slot on: the batch's
// next restore goes at once, not a slot later for each busy instance before it. On the TestClock,
// with the client over a memory ledger another runner holds leases in.
import { type DdsConfig, RestoreClient, RestoreLedger, type Signer, type Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, configOf, credentials, DAY, ENDPOINT, HOUR, MINUTE, NOW } from "./support.js"

const ids = ["rs0", "rs1", "rs2", "rs3"]
const seed = Seed.make({
  instances: ids.map((id) =>
    Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders"] } })
  )
})
const plan = RestorePlan.make([RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_r", at: NOW - HOUR })])])

const world = Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), RestoreLedger.layerMemory).pipe(
  Layer.provideMerge(FakeDds.layerMemory(seed, { busyWhileRestoring: false }))
)

const run = <A, E>(body: Effect.Effect<A, E, FakeDds.FakeDds | RestoreLedger.RestoreLedger | Signer.Signer | Transport.Transport | DdsConfig.DdsConfig>) =>
  atNow(body).pipe(Effect.provide(world))

describe("a paced batch meeting instances another runner holds", () => {
  it.effect("each busy restore hands its slot on: the restore after three busy ones sends at the batch's start, not three slots later", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const ledger = yield* RestoreLedger.RestoreLedger
      for (const instanceId of ["rs1", "rs2", "rs3"]) {
        yield* ledger.acquire({ endpoint: ENDPOINT, projectId: seed.projectId, instanceId }, { holder: "another runner", ttl: "10 minutes", wait: "0 seconds" })
      }
      const client = yield* RestoreClient.make({ holder: "this runner" })
      const items = ["rs1", "rs2", "rs3", "rs0"].map((instanceId) => ({ instanceId, plan }))
      const batch = yield* Effect.fork(client.restoreMany(items, { concurrency: 4, requestsPerSecond: 1 }))
      // Nothing moves the clock: whatever is sent now is sent at the batch's start.
      yield* TestClock.adjust("0 millis")
      const sent = Object.values(yield* fake.requests).reduce((sum, n) => sum + (n ?? 0), 0)
      expect(sent).toBe(1)
      yield* TestClock.adjust("1 hour")
      const results = yield* Fiber.join(batch)
      expect(results.map((r) => [r.instanceId, r.result._tag])).toStrictEqual([["rs1", "Failure"], ["rs2", "Failure"], ["rs3", "Failure"], ["rs0", "Success"]])
      for (const r of results.slice(0, 3)) {
        const failure = Exit.isFailure(r.result) ? Option.getOrUndefined(Cause.failureOption(r.result.cause)) : undefined
        expect(failure).toMatchObject({ _tag: "InstanceBusy", instanceId: r.instanceId, holder: "another runner" })
      }
      expect((yield* fake.jobs).map((job) => job.instanceId)).toStrictEqual(["rs0"])
    })))
})
