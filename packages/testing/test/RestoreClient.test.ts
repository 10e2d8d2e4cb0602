// The fake as teams use it: RestoreClient over FakeDds.layerMemory, with a team's own Signer.
import { DdsConfig, DdsRequest, RestoreClient, Signer } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { FakeDds, Fault } from "../src/index.js"
import { ENDPOINT, HOUR, NOW, PROJECT, sdkDate, seed } from "./support.js"

// Stands in for an AK/SK signer: the fake checks that a request is signed and dated, not the HMAC.
const presenceSigner = Signer.layer((request) =>
  Effect.map(Clock.currentTimeMillis, (now) =>
    DdsRequest.setHeaders(request, {
      "x-sdk-date": sdkDate(now),
      authorization: "SDK-HMAC-SHA256 Access=TESTAK, SignedHeaders=host;x-sdk-date, Signature=00"
    })))

const client = (signer: Layer.Layer<Signer.Signer>) =>
  RestoreClient.layer().pipe(
    Layer.provideMerge(FakeDds.layerMemory(seed)),
    Layer.provide(signer),
    Layer.provide(DdsConfig.layer({ projectId: PROJECT, endpoint: ENDPOINT })),
    Layer.orDie
  )

const run = <A, E>(
  effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>,
  signer: Layer.Layer<Signer.Signer> = presenceSigner
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(client(signer)))

const plan = RestorePlan.make([
  RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_fix", at: NOW - HOUR })])
])

describe("RestoreClient over FakeDds.layerMemory", () => {
  it.effect("a plan is submitted, its job runs on the TestClock and completes", () =>
    run(Effect.gen(function*() {
      const restore = yield* RestoreClient.RestoreClient
      const { jobId } = yield* restore.restore("rs1", plan)
      yield* TestClock.adjust("1 minute")
      const job = yield* restore.job(jobId)
      expect(job.status).toBe("Completed")
      expect(yield* restore.restorableDatabases("rs1", NOW - HOUR)).toEqual(["shop"])
    })))

  it.effect("a client without a Signer layer is told so by the fake's 401", () =>
    run(
      Effect.gen(function*() {
        const restore = yield* RestoreClient.RestoreClient
        const error = yield* Effect.flip(restore.backupPolicy("rs1"))
        expect(error._tag).toBe("ServiceError")
        if (error._tag === "ServiceError") {
          expect(error.status).toBe(401)
          expect(error.code).toBe("APIGW.0301")
          expect(error.detail).toContain("provide a Signer layer")
        }
      }),
      Signer.layerUnsigned
    ))

  it.effect("a throttled read is retried by the client and succeeds", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ operation: "backupPolicy", fault: Fault.throttle })
      const restore = yield* RestoreClient.RestoreClient
      const fiber = yield* Effect.fork(restore.backupPolicy("rs1"))
      yield* TestClock.adjust("1 minute")
      const policy = yield* Fiber.join(fiber)
      expect(policy.enable_incremental_backup).toBe(true)
      expect((yield* fake.requests).backupPolicy).toBe(2)
    })))
})
