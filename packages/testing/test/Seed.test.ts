import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Seed } from "../src/index.js"

/** A replica set that is ready for a restore: what Seed.replicaSet fills in, and what the file below writes out. */
const ready = {
  mode: "ReplicaSet",
  status: "normal",
  version: "4.0",
  actions: [],
  backupPolicy: { keepDays: 7, startTime: "23:00-00:00", period: "1,2,3,4,5,6,7", incrementalBackup: true }
}

const file = JSON.stringify({
  projectId: "p1",
  region: "eu-de",
  credentials: [{ accessKeyId: "AK1", secretAccessKey: "SK1" }],
  users: [{ name: "bob", password: "pw", domain: "d" }],
  instances: [
    {
      id: "rs1",
      name: "orders",
      ...ready,
      windows: [{ start: "2026-11-19T00:00:00Z", end: 1795651199000 }],
      databases: [{ name: "shop", collections: [{ name: "orders" }, { name: "carts", createdAt: "2026-11-19T08:00:00Z" }] }]
    }
  ]
})

describe("Seed", () => {
  it.effect("a seed file decodes, times given as ISO dates or epoch ms, secrets redacted", () =>
    Effect.gen(function*() {
      const seed = yield* Seed.decodeJson(file)
      expect(seed.instances[0]?.windows).toEqual([{ start: Date.UTC(2026, 10, 19), end: 1795651199000 }])
      expect(seed.instances[0]?.databases[0]?.collections[1]).toEqual({ name: "carts", createdAt: Date.UTC(2026, 10, 19, 8) })
      const secret = seed.credentials[0]?.secretAccessKey ?? Redacted.make("")
      expect(Redacted.value(secret)).toBe("SK1")
      expect(String(secret)).not.toContain("SK1")
    }))

  it.effect("a seed file with an unknown field or a bad mode is refused, naming where", () =>
    Effect.gen(function*() {
      const typo = yield* Effect.flip(Seed.decodeJson(file.replace(`"region"`, `"regoin"`)))
      expect(typo._tag).toBe("SeedError")
      expect(typo.detail).toContain("regoin")
      const mode = yield* Effect.flip(Seed.decodeJson(file.replace(`"ReplicaSet"`, `"Replica"`)))
      expect(mode.detail).toContain(`instances.0.mode: Expected "ReplicaSet"`)
      expect(mode.message).toContain("Fix the seed")
      const zoneless = yield* Effect.flip(Seed.decodeJson(file.replace(`"2026-11-19T00:00:00Z"`, `"2026-11-19T00:00:00"`)))
      expect(zoneless.detail).toContain("has no time zone")
    }))

  it("the helpers fill in the defaults of a ready replica set", () => {
    const seed = Seed.make({
      instances: [Seed.replicaSet({ id: "rs1", name: "orders", databases: { shop: ["orders", { name: "x", droppedAt: 5 }] } })]
    })
    expect(seed.projectId).toBe(Seed.defaultProjectId)
    expect(seed.instances[0]).toEqual({
      id: "rs1",
      name: "orders",
      ...ready,
      windows: [],
      databases: [{ name: "shop", collections: [{ name: "orders" }, { name: "x", droppedAt: 5 }] }]
    })
  })
})
