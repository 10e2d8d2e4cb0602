// The README's "Your own signer" example, verbatim, plugged into the client against the emulator,
// which checks every signature as the gateway does: a team's signer needs nothing from us but the tag.
import { DdsConfig, DdsRequest, RestoreClient, SdkDate, Signer } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Context, Effect, Layer, Redacted } from "effect"

// --- the README example, unchanged -------------------------------------------------------------

// Our signing service holds the keys; this process never sees them.
class SigningService extends Context.Tag("acme/SigningService")<SigningService, {
  readonly headersFor: (request: DdsRequest.DdsRequest) => Effect.Effect<Record<string, string>, Error>
}>() {}

export const AcmeSigner = Layer.effect(Signer.Signer, Effect.gen(function* () {
  const service = yield* SigningService
  return Signer.make((request) =>
    service.headersFor(request).pipe(
      Effect.map((headers) => DdsRequest.setHeaders(request, headers)),
      Effect.mapError((e) => new Signer.SignerError({ reason: "TokenUnavailable", detail: e.message }))))
}))

// --- the team's signing service, as a test stands it up ----------------------------------------

// Stands in for the internal service: it signs with the demo keys and hands back only headers.
const signingServiceWith = (secretAccessKey: typeof DemoFixture.secretAccessKey) =>
  Layer.succeed(SigningService, {
    headersFor: (request) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const signed = AkSkSigner.signRequest(
          request,
          { accessKeyId: DemoFixture.accessKeyId, secretAccessKey },
          SdkDate.format(now)
        )
        return { "x-sdk-date": signed.headers["x-sdk-date"] ?? "", authorization: signed.headers["authorization"] ?? "" }
      })
  })

const unavailableSigningService = Layer.succeed(SigningService, {
  headersFor: () => Effect.fail(new Error("signing service unreachable"))
})

const clientOn = (emulator: Emulator.Service, signing: Layer.Layer<SigningService>) =>
  RestoreClient.layer({ retryPolicy: { maxAttempts: 1 } }).pipe(
    Layer.provide(HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
    Layer.provide(AcmeSigner.pipe(Layer.provide(signing))),
    Layer.provide(DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })),
    Layer.orDie
  )

/** A fresh emulator, and how reading a backup policy through a client signing with `signing` failed. */
const policyFailure = (signing: Layer.Layer<SigningService>) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({})
    const error = yield* Effect.flatMap(
      RestoreClient.RestoreClient,
      (client) => Effect.flip(client.backupPolicy(DemoFixture.ordersInstanceId))
    ).pipe(Effect.provide(clientOn(emulator, signing)))
    return { emulator, error }
  })

describe("a team's own Signer layer", () => {
  it.live("plugs into RestoreClient unchanged, and the emulator accepts what it signs", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({})
      const now = yield* Clock.currentTimeMillis
      const plan = RestorePlan.make([
        RestorePlan.collections("shop", [
          RestorePlan.collection({ oldName: "orders", newName: "orders_by_acme", at: now - 60 * 60_000 })
        ])
      ])
      const outcome = yield* Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const policy = yield* client.backupPolicy(DemoFixture.ordersInstanceId)
        const submitted = yield* client.restore(DemoFixture.ordersInstanceId, plan)
        return { policy, submitted }
      }).pipe(Effect.provide(clientOn(emulator, signingServiceWith(DemoFixture.secretAccessKey))))
      expect(outcome.policy.enable_incremental_backup).toBe(true)
      expect(outcome.submitted.jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(outcome.submitted.reconciled).toBe(false)
    }).pipe(Effect.scoped))

  it.live("a signature the gateway would refuse comes back as the gateway's 401, not as success", () =>
    Effect.gen(function*() {
      // The wrong secret: what the gateway sees when the signing service holds a stale key.
      const { error } = yield* policyFailure(signingServiceWith(Redacted.make("a-stale-secret-the-gateway-rejects")))
      expect(error._tag).toBe("ServiceError")
      if (error._tag === "ServiceError") {
        expect(error.status).toBe(401)
        expect(error.code).toBe("APIGW.0301")
      }
    }).pipe(Effect.scoped))

  it.live("a failure of the signing service is a SignerError that says so, and nothing is sent", () =>
    Effect.gen(function*() {
      const { emulator, error } = yield* policyFailure(unavailableSigningService)
      expect(error._tag).toBe("SignerError")
      expect(error.message).toContain("signing service unreachable")
      const state = yield* Effect.promise(() => fetch(`${emulator.url}${Emulator.statePath}`).then((r) => r.json()))
      expect((state as { jobs: ReadonlyArray<unknown> }).jobs).toEqual([])
    }).pipe(Effect.scoped))
})
