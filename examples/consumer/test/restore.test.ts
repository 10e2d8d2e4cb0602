import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { FakeDds, Seed } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { restorePlanFile } from "../src/restorePlanFile.js"
import * as VaultSigner from "../src/VaultSigner.js"

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 20, 12)

const seed = Seed.make({
  instances: [
    Seed.replicaSet({ id: "rs1", name: "orders", windows: [{ start: NOW - 24 * HOUR, end: NOW - 60_000 }], databases: { shop: ["orders", "customers"] } })
  ]
})

const vault: VaultSigner.Vault = Effect.succeed(Option.some({ accessKeyId: "AKTEAM", secretAccessKey: Redacted.make("team-secret") }))
const emptyVault: VaultSigner.Vault = Effect.succeed(Option.none())

// The client as production builds it, with the in-memory fake as its Transport.
const clientOverFake = (signer: VaultSigner.Vault) =>
  RestoreClient.layer().pipe(
    Layer.provideMerge(FakeDds.layerMemory(seed)),
    Layer.provide(VaultSigner.layer(signer)),
    Layer.provide(DdsConfig.layer({ projectId: Seed.defaultProjectId, region: "cn-north-4" })),
    Layer.orDie
  )

const planJson = JSON.stringify({
  restore_collections: [
    { database: "shop", collections: [{ old_name: "orders", new_name: "orders_fix", restore_collection_time: String(NOW - 2 * HOUR) }] }
  ]
})

describe("restoring a plan file with the team's VaultSigner", () => {
  it.effect("the restore is accepted by the fake and its job completes", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const fiber = yield* Effect.fork(restorePlanFile("rs1", planJson))
      yield* TestClock.adjust("5 minutes")
      const job = yield* Fiber.join(fiber)
      expect(job.status).toBe("Completed")
      const fake = yield* FakeDds.FakeDds
      const [restored] = yield* fake.jobs
      expect(restored?.restored).toEqual([{ database: "shop", collection: "orders_fix", from: "orders" }])
    }).pipe(Effect.provide(clientOverFake(vault))))

  it.effect("an empty vault fails with SignerError before anything is sent", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const error = yield* Effect.flip(restorePlanFile("rs1", planJson))
      expect(error._tag).toBe("SignerError")
      expect(error.message).toContain("provision one under dds/restore-bot")
      expect(yield* (yield* FakeDds.FakeDds).requests).toEqual({})
    }).pipe(Effect.provide(clientOverFake(emptyVault))))

  it.effect("a plan with a time in the future is refused with its path, before anything is sent", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const future = planJson.replace(String(NOW - 2 * HOUR), String(NOW + HOUR))
      const error = yield* Effect.flip(restorePlanFile("rs1", future))
      expect(error._tag).toBe("PlanError")
      if (error._tag === "PlanError") {
        expect(error.issues.map((issue) => issue.path)).toEqual([["restore_collections", 0, "collections", 0, "restore_collection_time"]])
      }
      expect(yield* (yield* FakeDds.FakeDds).requests).toEqual({})
    }).pipe(Effect.provide(clientOverFake(vault))))
})
