import { Wire } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../src/index.js"
import { as, collectionsAt, DAY, getJob, HOUR, MINUTE, NOW, restore, restoreJobId, seed, SECOND } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds>, options: FakeDds.Options = {}, from = seed) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layer(from, options)))

const T = NOW - HOUR

// Restorable until after NOW, so that a restore time after the job's end can be listed.
const openEnded = Seed.make({
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "orders-rs",
      windows: [{ start: NOW - DAY, end: NOW + DAY }],
      databases: { shop: ["orders", "customers", { name: "carts", createdAt: NOW - DAY }] }
    })
  ]
})

const orders = (extra: Record<string, unknown> = {}) => ({
  restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_collection_time: String(T), ...extra }] }]
})

describe("FakeDds restore jobs", () => {
  it.effect("a job is invisible, then Running with rising progress, then Completed", () =>
    run(Effect.gen(function*() {
      const id = yield* restoreJobId("rs1", orders({ new_name: "orders_0312" }))
      const hidden = yield* getJob(id)
      expect(hidden.status).toBe(404)
      expect(hidden.json).toMatchObject({ error_code: "DBS.280016" })

      yield* TestClock.adjust("3 seconds")
      const started = as(Wire.JobResponse, yield* getJob(id)).job
      expect(started).toEqual({
        id,
        name: "MongodbRestoreTable",
        status: "Running",
        created: "2026-11-20T12:00:00+0000",
        ended: "",
        progress: "0%",
        instance: { id: "rs1", name: "orders-rs" }
      })

      yield* TestClock.adjust("28500 millis")
      expect(as(Wire.JobResponse, yield* getJob(id)).job.progress).toBe("50%")
      yield* TestClock.adjust("20 seconds")
      expect(as(Wire.JobResponse, yield* getJob(id)).job.progress).toBe("85%")

      yield* TestClock.adjust("8500 millis")
      const done = yield* getJob(id)
      expect(done.json).toEqual({
        job: {
          id,
          name: "MongodbRestoreTable",
          status: "Completed",
          created: "2026-11-20T12:00:00+0000",
          ended: "2026-11-20T12:01:00+0000",
          instance: { id: "rs1", name: "orders-rs" },
          fail_reason: null
        }
      })
    })))

  it.effect("the delays are configurable", () =>
    run(
      Effect.gen(function*() {
        const id = yield* restoreJobId("rs1", orders())
        yield* TestClock.adjust("9 seconds")
        expect((yield* getJob(id)).status).toBe(404)
        yield* TestClock.adjust("1 second")
        expect(as(Wire.JobResponse, yield* getJob(id)).job.status).toBe("Running")
        yield* TestClock.adjust("10 minutes")
        expect(as(Wire.JobResponse, yield* getJob(id)).job.status).toBe("Completed")
      }),
      { jobVisibleAfter: "10 seconds", jobDuration: "10 minutes" }
    ))

  it.effect("a renamed collection appears after completion, visible at a later restore time", () =>
    run(Effect.gen(function*() {
      yield* restoreJobId("rs1", orders({ new_name: "orders_0312" }))
      yield* TestClock.adjust("30 seconds")
      expect(as(Wire.RestoreCollectionsResponse, yield* collectionsAt("rs1", "shop", NOW + 20 * SECOND)).collections)
        .not.toContain("orders_0312")
      yield* TestClock.adjust("1 minute")
      expect(as(Wire.RestoreCollectionsResponse, yield* collectionsAt("rs1", "shop", NOW + 1 * MINUTE)).collections)
        .toEqual(["orders", "customers", "carts", "orders_0312"])
      // Before the job ended, the collection did not exist.
      expect(as(Wire.RestoreCollectionsResponse, yield* collectionsAt("rs1", "shop", NOW + 59 * SECOND)).collections)
        .toEqual(["orders", "customers", "carts"])
    }), {}, openEnded))

  it.effect("without new_name the restored collection is <old>_bak_<restore time ms>", () =>
    run(Effect.gen(function*() {
      yield* restoreJobId("rs1", orders())
      yield* TestClock.adjust("1 minute")
      const fake = yield* FakeDds.FakeDds
      const [job] = yield* fake.jobs
      expect(job?.status).toBe("Completed")
      expect(job?.restored).toEqual([{ database: "shop", collection: `orders_bak_${T}`, from: "orders" }])
      const snapshot = yield* fake.stateJson()
      expect(snapshot.instances[0]?.databases).toEqual([
        { name: "shop", collections: ["orders", "customers", "carts", `orders_bak_${T}`] }
      ])
    })))

  it.effect("restoring the same collection to the same time twice is refused the second time: the name exists", () =>
    run(Effect.gen(function*() {
      yield* restoreJobId("rs1", orders())
      yield* TestClock.adjust("1 minute")
      const second = yield* restore("rs1", orders())
      expect(second.status).toBe(400)
      expect(second.json).toEqual({
        error_code: "DBS.200001",
        error_msg: `Parameter error: the restored collection name shop.orders_bak_${T} already exists: give another new_name`
      })
    })))

  it.effect("a database-level restore brings back each collection that existed then, as <coll>_bak_<ms>", () =>
    run(Effect.gen(function*() {
      const at = NOW - DAY - HOUR // carts did not exist yet; old had not been dropped yet
      yield* restoreJobId("rs1", { restore_collections: [{ database: "shop", restore_database_time: String(at) }] })
      yield* TestClock.adjust("1 minute")
      const fake = yield* FakeDds.FakeDds
      const [job] = yield* fake.jobs
      expect(job?.restored.map((r) => r.collection)).toEqual([`orders_bak_${at}`, `customers_bak_${at}`, `old_bak_${at}`])
    })))

  it.effect("a database-level restore of a database that did not exist then fails the job", () =>
    run(Effect.gen(function*() {
      const id = yield* restoreJobId("rs1", {
        restore_collections: [{ database: "billing", restore_database_time: String(T) }]
      })
      yield* TestClock.adjust("1 minute")
      const job = as(Wire.JobResponse, yield* getJob(id)).job
      expect(job.status).toBe("Failed")
      expect(job.fail_reason).toBe("database billing did not exist at " + T + " (2026-11-20T11:00:00.000Z)")
      expect(job.ended).toBe("2026-11-20T12:01:00+0000")
    })))

  it.effect("a collection that did not exist at that time is restored as an empty collection", () =>
    run(Effect.gen(function*() {
      const at = NOW - 2 * DAY + HOUR // before carts was created
      yield* restoreJobId("rs1", {
        restore_collections: [{
          database: "shop",
          collections: [{ old_name: "carts", new_name: "carts_then", restore_collection_time: String(at) }]
        }]
      })
      yield* TestClock.adjust("1 minute")
      const [job] = yield* (yield* FakeDds.FakeDds).jobs
      expect(job?.status).toBe("Completed")
      expect(job?.restored).toEqual([{ database: "shop", collection: "carts_then", from: "carts" }])
    })))

  it.effect("a namespace longer than 120 characters fails the job late", () =>
    run(Effect.gen(function*() {
      const longName = "o".repeat(116) // shop. + 116 = 121
      const id = yield* restoreJobId("rs1", orders({ new_name: longName }))
      yield* TestClock.adjust("30 seconds")
      expect(as(Wire.JobResponse, yield* getJob(id)).job.status).toBe("Running")
      yield* TestClock.adjust("30 seconds")
      const job = as(Wire.JobResponse, yield* getJob(id)).job
      expect(job.status).toBe("Failed")
      expect(job.fail_reason).toBe(`namespace shop.${longName} is 121 bytes long; MongoDB allows at most 120`)
    })))

  it.effect("failNextRestore fails the next accepted restore only", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.failNextRestore("temporary instance could not be created")
      const first = yield* restoreJobId("rs1", orders({ new_name: "a" }))
      yield* TestClock.adjust("1 minute")
      const second = yield* restoreJobId("rs1", orders({ new_name: "b" }))
      yield* TestClock.adjust("1 minute")
      expect(as(Wire.JobResponse, yield* getJob(first)).job.fail_reason).toBe("temporary instance could not be created")
      expect(as(Wire.JobResponse, yield* getJob(second)).job.status).toBe("Completed")
    })))

  it.effect("a per-instance failure rule fails every restore on that instance", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.updateInstance("rs1", { restoreFailure: "disk full on the temporary instance" })
      const id = yield* restoreJobId("rs1", orders())
      yield* TestClock.adjust("1 minute")
      expect(as(Wire.JobResponse, yield* getJob(id)).job).toMatchObject({
        status: "Failed",
        fail_reason: "disk full on the temporary instance"
      })
    })))

  it.effect("the same seed and the same calls give the same job ids", () =>
    Effect.gen(function*() {
      const ids = () =>
        run(Effect.gen(function*() {
          const a = yield* restoreJobId("rs1", orders({ new_name: "x" }))
          yield* TestClock.adjust("1 minute")
          const b = yield* restoreJobId("rs1", orders({ new_name: "y" }))
          return [a, b]
        }))
      const first = yield* ids()
      const second = yield* ids()
      expect(first).toEqual(second)
      expect(first[0]).not.toBe(first[1])
      expect(first[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      const other = yield* run(restoreJobId("rs1", orders({ new_name: "x" })), { randomSeed: "another" })
      expect(other).not.toBe(first[0])
    }))
})
