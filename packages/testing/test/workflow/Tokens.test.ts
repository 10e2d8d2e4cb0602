// The IAM-token signer against the fake's IAM token call, under TestClock: one IAM call however
// many requests need a token at once, a renewal before the token expires, and a refused token
// renewed once and the request resent once.
import { RestoreClient } from "@dds-restore/client"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, configOf, DAY, MINUTE, NOW } from "./support.js"

const seed = Seed.make({
  instances: [Seed.replicaSet({ id: "rs1", name: "orders-rs", windows: [{ start: NOW - DAY, end: NOW - MINUTE }] })],
  users: [{ name: "alice", password: "alice-passw0rd", domain: "acme" }]
})

const iam: TokenProvider.Options = {
  endpoint: "https://iam.cn-north-4.myhuaweicloud.com",
  userName: "alice",
  domainName: "acme",
  password: Redacted.make("alice-passw0rd"),
  project: { name: "cn-north-4" }
}

// IAM and DDS both answer through the fake's in-memory Transport, as they would through HTTP.
const clientWithTokens = RestoreClient.layer().pipe(
  Layer.provide(Layer.merge(TokenSigner.layer.pipe(Layer.provide(TokenProvider.layer(iam))), configOf(seed))),
  Layer.provideMerge(FakeDds.layerMemory(seed, { tokenLifetime: "1 hour" })),
  Layer.orDie
)

const run = <A, E>(effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>) =>
  atNow(effect).pipe(Effect.provide(clientWithTokens))

const policy = Effect.flatMap(RestoreClient.RestoreClient, (client) => client.backupPolicy("rs1"))

describe("IAM tokens against the fake's IAM", () => {
  it.effect("100 concurrent requests share one IAM call", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const policies = yield* Effect.forEach(Array.from({ length: 100 }), () => policy, { concurrency: "unbounded" })
      expect(policies.every((p) => p.enable_incremental_backup)).toBe(true)
      expect(yield* fake.iamCalls).toBe(1)
      expect(yield* fake.requests).toStrictEqual({ iamToken: 1, backupPolicy: 100 })
    })))

  it.effect("the token is renewed 15 minutes before it expires, before any request is refused", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* policy
      yield* TestClock.adjust("44 minutes")
      yield* policy
      expect(yield* fake.iamCalls).toBe(1)
      // 46 minutes into a 1-hour token: inside the 15-minute margin, a new one is obtained first.
      yield* TestClock.adjust("2 minutes")
      yield* policy
      expect(yield* fake.iamCalls).toBe(2)
      expect(yield* fake.requests).toStrictEqual({ iamToken: 2, backupPolicy: 3 })
    })))

  it.effect("a token the service refuses (401) is renewed once and the request resent once", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* policy
      yield* fake.revokeTokens()
      const after = yield* policy
      expect(after.keep_days).toBe(7)
      expect(yield* fake.requests).toStrictEqual({ iamToken: 2, backupPolicy: 3 })
    })))
})
