// The IAM-token signer against the fake's IAM token call: one IAM call however many requests need a
// token at once, a renewal 15 minutes before the token expires, and a refused token renewed once
// and the request resent once. These run on the TestClock whatever the harness, so that a day
// passes at once: no request of theirs waits on a timer.
import { RestoreClient } from "@dds-restore/client"
import { FakeDds, Seed } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { DAY, type Harness, MINUTE, seedOf } from "./Harness.js"

const user = { name: "alice", password: "alice-passw0rd", domain: "acme" }

/** The fake's tokens live 24 hours (its default, and the service's). */
const TOKEN_LIFETIME = DAY

export const tokenScenarios = (h: Harness) =>
  describe("IAM tokens against the fake's IAM", () => {
    const run = <A, E>(body: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>) =>
      Effect.gen(function*() {
        const now = yield* h.now
        yield* TestClock.setTime(now)
        const seed = seedOf({
          instances: [Seed.replicaSet({ id: "rs1", name: "orders-rs", windows: [{ start: now - DAY, end: now - MINUTE }] })],
          users: [user]
        })
        return yield* Effect.provide(body, yield* h.tokenClient(seed, user))
      })

    const policy = Effect.flatMap(RestoreClient.RestoreClient, (client) => client.backupPolicy("rs1"))

    it.scoped("100 concurrent requests share one IAM call", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakeDds.FakeDds
        const policies = yield* Effect.forEach(Array.from({ length: 100 }), () => policy, { concurrency: "unbounded" })
        expect(policies.every((p) => p.enable_incremental_backup)).toBe(true)
        expect(yield* fake.iamCalls).toBe(1)
        expect(yield* fake.requests).toStrictEqual({ iamToken: 1, backupPolicy: 100 })
      })))

    it.scoped("the token is renewed 15 minutes before it expires, before any request is refused", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakeDds.FakeDds
        yield* policy
        yield* TestClock.adjust(TOKEN_LIFETIME - 16 * MINUTE)
        yield* policy
        expect(yield* fake.iamCalls).toBe(1)
        // 14 minutes before the end: inside the 15-minute margin, a new token is obtained first.
        yield* TestClock.adjust(2 * MINUTE)
        yield* policy
        expect(yield* fake.iamCalls).toBe(2)
        expect(yield* fake.requests).toStrictEqual({ iamToken: 2, backupPolicy: 3 })
      })))

    it.scoped("a token the service refuses (401) is renewed once and the request resent once", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakeDds.FakeDds
        yield* policy
        yield* fake.revokeTokens()
        const after = yield* policy
        expect(after.keep_days).toBe(7)
        expect(yield* fake.iamCalls).toBe(2)
        expect(yield* fake.requests).toStrictEqual({ iamToken: 2, backupPolicy: 3 })
      })))
  })
