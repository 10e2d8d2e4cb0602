// A fleet seeded from a text: the same text gives the same instances in every process, each a
// healthy replica set on which the example plans (a collection plan on shop, a database plan on
// analytics) pass their preflight, as on the demo replica set.
import { DdsConfig, DdsRequest, RestoreClient, Signer } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { DemoFixture, FakeDds } from "../src/index.js"
import { DAY, HOUR, MINUTE, NOW, sdkDate } from "./support.js"

describe("DemoFixture.fleet", () => {
  it("the same seed gives the same ids and names; another seed, other ids", () => {
    const first = DemoFixture.fleet(NOW, { count: 5, seed: "ci" })
    const again = DemoFixture.fleet(NOW + DAY, { count: 5, seed: "ci" })
    expect(again.map((i) => [i.id, i.name])).toEqual(first.map((i) => [i.id, i.name]))
    expect(first.map((i) => i.id)).toEqual(DemoFixture.fleetInstanceIds({ count: 5, seed: "ci" }))
    const other = DemoFixture.fleetInstanceIds({ count: 5, seed: "ci2" })
    expect(other.filter((id) => first.some((i) => i.id === id))).toEqual([])
    // A longer fleet of the same seed starts with the shorter one.
    expect(DemoFixture.fleetInstanceIds({ count: 7, seed: "ci" }).slice(0, 5)).toEqual(first.map((i) => i.id))
  })

  it("ids are the service's form (32 hex digits and in02), all distinct up to the limit; names are numbered", () => {
    const ids = DemoFixture.fleetInstanceIds({ count: DemoFixture.fleetLimit })
    expect(ids.length).toBe(10_000)
    expect(new Set(ids).size).toBe(10_000)
    expect(ids.every((id) => /^[0-9a-f]{32}in02$/.test(id))).toBe(true)
    const names = DemoFixture.fleet(NOW, { count: 12 }).map((i) => i.name)
    expect(names[0]).toMatch(/^dds-fleet-[0-9a-f]{6}-01$/)
    expect(names[11]).toBe(names[0]?.replace(/01$/, "12"))
    expect(DemoFixture.fleetInstanceIds({ count: 3 })).toEqual(DemoFixture.fleetInstanceIds({ count: 3, seed: "fleet" }))
  })

  it("each is a healthy replica set with the demo replica set's windows, databases and collections", () => {
    const [orders] = DemoFixture.make(NOW).instances
    for (const instance of DemoFixture.fleet(NOW, { count: 3, seed: "x" })) {
      expect(instance).toMatchObject({ mode: "ReplicaSet", status: "normal", version: "4.0", actions: [] })
      expect(instance.backupPolicy.incrementalBackup).toBe(true)
      expect(instance.windows).toEqual(orders?.windows)
      expect(instance.databases).toEqual(orders?.databases)
    }
  })

  it("a count outside 0 to the limit, or an empty seed, is refused by name", () => {
    expect(DemoFixture.fleet(NOW, { count: 0 })).toEqual([])
    expect(() => DemoFixture.fleet(NOW, { count: 10_001 })).toThrow("A fleet has from 0 to 10000 instances, not 10001.")
    expect(() => DemoFixture.fleetInstanceIds({ count: 1.5 })).toThrow("A fleet has from 0 to 10000 instances, not 1.5.")
    expect(() => DemoFixture.fleetInstanceIds({ count: 1, seed: "" })).toThrow("A fleet's seed is a non-empty text.")
  })

  // The fake checks that a request is signed and dated, not the HMAC.
  const presenceSigner = Signer.layer((request) =>
    Effect.map(Clock.currentTimeMillis, (now) =>
      DdsRequest.setHeaders(request, {
        "x-sdk-date": sdkDate(now),
        authorization: "SDK-HMAC-SHA256 Access=TESTAK, SignedHeaders=host;x-sdk-date, Signature=00"
      })))

  it.effect("the example plans pass their preflight on every instance of the fleet", () => {
    const demo = DemoFixture.make(NOW)
    const fleet = DemoFixture.fleet(NOW, { count: 4, seed: "plans" })
    // examples/collection-plan.json and examples/database-plan.json, their relative times resolved at NOW.
    const collectionPlan = RestorePlan.make([
      RestorePlan.collections("shop", [
        RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: NOW - 2 * HOUR }),
        RestorePlan.collection({ oldName: "customers", at: NOW - 90 * MINUTE })
      ])
    ])
    const databasePlan = RestorePlan.make([RestorePlan.database("analytics", NOW - DAY)])
    return Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const client = yield* RestoreClient.RestoreClient
      for (const instance of fleet) {
        expect(yield* client.preflight(instance.id, collectionPlan)).toEqual({ instanceId: instance.id, ok: true, problems: [] })
        expect(yield* client.preflight(instance.id, databasePlan)).toEqual({ instanceId: instance.id, ok: true, problems: [] })
      }
    }).pipe(Effect.provide(
      RestoreClient.layer().pipe(
        Layer.provideMerge(FakeDds.layerMemory({ ...demo, instances: [...demo.instances, ...fleet] })),
        Layer.provide(presenceSigner),
        Layer.provide(DdsConfig.layer({ projectId: DemoFixture.projectId, endpoint: "https://dds.example.test" })),
        Layer.orDie
      )
    ))
  })
})
