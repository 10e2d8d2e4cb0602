// IAM tokens over real HTTP: the token signer gets its token from the emulator's IAM call, once for
// many callers, renews it before it expires, and renews once and resends after a 401. The emulator
// runs under the same TestClock as the client, so a day passes without waiting for it.
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { Emulator } from "@dds-restore/emulator"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import { DemoFixture } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"

const withTokenClient = <A, E>(effect: (emulator: Emulator.Service) => Effect.Effect<A, E, RestoreClient.RestoreClient>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(Date.now())
    const emulator = yield* Emulator.make({})
    const transport = HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    const tokens = TokenProvider.layer({
      endpoint: emulator.url,
      userName: DemoFixture.user.name,
      domainName: DemoFixture.user.domain,
      password: DemoFixture.user.password,
      project: { id: emulator.projectId }
    })
    const client = RestoreClient.layer({ retryPolicy: { maxAttempts: 1 } }).pipe(
      Layer.provide(TokenSigner.layer.pipe(Layer.provide(tokens))),
      Layer.provide(DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })),
      Layer.provide(transport),
      Layer.orDie
    )
    return yield* Effect.provide(effect(emulator), client)
  }).pipe(Effect.scoped)

const policy = Effect.flatMap(RestoreClient.RestoreClient, (client) => client.backupPolicy(DemoFixture.ordersInstanceId))

describe("IAM tokens against the emulator, over HTTP", () => {
  it.effect("100 concurrent requests share one token: one IAM call", () =>
    withTokenClient((emulator) =>
      Effect.gen(function*() {
        const answers = yield* Effect.all(Array.from({ length: 100 }, () => policy), { concurrency: "unbounded" })
        expect(answers.every((answer) => answer.enable_incremental_backup)).toBe(true)
        expect(yield* emulator.fake.iamCalls).toBe(1)
        expect((yield* emulator.fake.requests).backupPolicy).toBe(100)
      })
    ))

  it.effect("the token is renewed before it expires, not before the renewal margin", () =>
    withTokenClient((emulator) =>
      Effect.gen(function*() {
        yield* policy
        // The fake's tokens live 24 hours; the provider renews 15 minutes before the end.
        yield* TestClock.adjust(`${(23 * 60 + 40) * 60} seconds`)
        yield* policy
        expect(yield* emulator.fake.iamCalls).toBe(1)
        yield* TestClock.adjust("10 minutes")
        yield* policy
        expect(yield* emulator.fake.iamCalls).toBe(2)
      })
    ))

  it.effect("a revoked token is refused 401, renewed once, and the request resent once", () =>
    withTokenClient((emulator) =>
      Effect.gen(function*() {
        yield* policy
        yield* emulator.fake.revokeTokens()
        const answer = yield* policy
        expect(answer.enable_incremental_backup).toBe(true)
        expect(yield* emulator.fake.iamCalls).toBe(2)
        // The first call, the refused one, and exactly one resend.
        expect(yield* emulator.fake.requests).toEqual({ iamToken: 2, backupPolicy: 3 })
      })
    ))
})
