import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { FakeDds } from "../src/index.js"
import { call, DAY, HOUR, NOW, PROJECT, restore, seed } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layer(seed)))

const collection = (time: number, extra: Record<string, unknown> = {}) => ({
  restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_collection_time: String(time), ...extra }] }]
})

describe("FakeDds errors", () => {
  it.effect("every answer carries an x-request-id, errors included", () =>
    run(Effect.gen(function*() {
      const ok = yield* call({ method: "GET", path: `/v3/${PROJECT}/instances`, query: [["id", "rs1"]] })
      const refused = yield* restore("nope", collection(NOW - HOUR))
      expect(ok.headers["x-request-id"]).toBe("00000000000000000000000000000001")
      expect(refused.headers["x-request-id"]).toBe("00000000000000000000000000000002")
    })))

  it.effect("an unknown instance is 404 DBS.200002", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("nope", collection(NOW - HOUR))
      expect(r.status).toBe(404)
      expect(r.json).toEqual({ error_code: "DBS.200002", error_msg: "The DB instance does not exist: nope" })
    })))

  it.effect("an instance of another project is not found either", () =>
    run(Effect.gen(function*() {
      const r = yield* call({ method: "GET", path: `/v3/otherproject/instances/rs1/backups/policy` })
      expect(r.status).toBe(404)
      expect(r.json).toMatchObject({ error_code: "DBS.200002" })
    })))

  // An instance the service will not restore, by what is wrong with it.
  const refusals = [
    { title: "a sharded cluster is refused with 400 DBS.280342", instance: "sh1", status: 400, code: "DBS.280342", says: "instance sh1 is Sharding" },
    { title: "a running action makes the instance busy: 403 DBS.201014", instance: "busy1", status: 403, code: "DBS.201014", says: "running RESIZE" },
    { title: "a status other than normal makes the instance busy: 403 DBS.201014", instance: "frozen1", status: 403, code: "DBS.201014", says: "status frozen" },
    { title: "incremental backup off is 400 DBS.280343", instance: "off1", status: 400, code: "DBS.280343", says: "incremental backup" }
  ]
  for (const { code, instance, says, status, title } of refusals) {
    it.effect(title, () =>
      run(Effect.gen(function*() {
        const r = yield* restore(instance, collection(NOW - HOUR))
        expect(r.status).toBe(status)
        expect(r.json).toMatchObject({ error_code: code })
        expect((r.json as { error_msg: string }).error_msg).toContain(says)
      })))
  }

  it.effect("a restore in progress makes the instance busy until its job ends", () =>
    run(Effect.gen(function*() {
      expect((yield* restore("rs1", collection(NOW - HOUR))).status).toBe(200)
      const second = yield* restore("rs1", collection(NOW - 2 * HOUR))
      expect(second.status).toBe(403)
      expect((second.json as { error_msg: string }).error_msg).toContain("running RESTORE")
      yield* TestClock.adjust("1 minute")
      expect((yield* restore("rs1", collection(NOW - 2 * HOUR))).status).toBe(200)
    })))

  it.effect("a time outside every window is 400 DBS.200001 naming the time", () =>
    run(Effect.gen(function*() {
      const inGap = NOW - DAY + HOUR / 2
      const r = yield* restore("rs1", collection(inGap))
      expect(r.status).toBe(400)
      expect(r.json).toEqual({
        error_code: "DBS.200001",
        error_msg:
          `Parameter error: restore_collections.0.collections.0.restore_collection_time ${inGap} (2026-11-19T12:30:00.000Z) is not within any restorable time range of instance rs1`
      })
    })))

  it.effect("a time in the future is outside every window", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", collection(NOW + HOUR))
      expect(r.status).toBe(400)
      expect((r.json as { error_msg: string }).error_msg).toContain("is not within any restorable time range")
    })))

  it.effect("times are accepted as numbers as well as strings", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", {
        restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_collection_time: NOW - HOUR }] }]
      })
      expect(r.status).toBe(200)
    })))

  it.effect("an invalid database name is 400 DBS.239020", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", { restore_collections: [{ database: "sh.op", restore_database_time: String(NOW - HOUR) }] })
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.239020" })
      expect((r.json as { error_msg: string }).error_msg).toContain(`Invalid database name "sh.op"`)
    })))

  it.effect("a reserved database name is 400 DBS.239020", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", { restore_collections: [{ database: "admin", restore_database_time: String(NOW - HOUR) }] })
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.239020" })
    })))

  it.effect("an invalid collection name is 400 DBS.239020", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", collection(NOW - HOUR, { new_name: "system.orders" }))
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.239020" })
      expect((r.json as { error_msg: string }).error_msg).toContain(`Invalid collection name "system.orders"`)
    })))

  it.effect("a new name equal to an existing collection is 400 DBS.200001", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", collection(NOW - HOUR, { new_name: "customers" }))
      expect(r.status).toBe(400)
      expect(r.json).toEqual({
        error_code: "DBS.200001",
        error_msg: "Parameter error: the restored collection name shop.customers already exists: give another new_name"
      })
    })))

  it.effect("an unknown field is 400 DBS.200001 naming it", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", collection(NOW - HOUR, { new_nmae: "orders_x" }))
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.200001" })
      expect((r.json as { error_msg: string }).error_msg).toContain("restore_collections.0.collections.0.new_nmae")
    })))

  it.effect("a malformed body is 400 DBS.200001", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", "{\"restore_collections\": [")
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.200001" })
      expect((r.json as { error_msg: string }).error_msg).toBe("Parameter error: the request body is not JSON (25 characters)")
    })))

  it.effect("a body nested thousands deep is 400 DBS.200001, not a 500", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", "[".repeat(5000) + "]".repeat(5000))
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({
        error_code: "DBS.200001",
        error_msg: "Parameter error: the request body is nested deeper than 64 levels (at character 64)"
      })
    })))

  it.effect("a database-level restore without a time is 400 DBS.200001", () =>
    run(Effect.gen(function*() {
      const r = yield* restore("rs1", { restore_collections: [{ database: "shop" }] })
      expect(r.status).toBe(400)
      expect((r.json as { error_msg: string }).error_msg).toContain("restore_collections.0.restore_database_time is required")
    })))

  it.effect("an unknown route is the gateway's 404 APIGW.0101", () =>
    run(Effect.gen(function*() {
      const r = yield* call({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/restore-everything` })
      expect(r.status).toBe(404)
      expect(r.json).toMatchObject({ error_code: "APIGW.0101" })
      const wrongMethod = yield* call({ method: "DELETE", path: `/v3/${PROJECT}/instances/rs1/restore/collections` })
      expect(wrongMethod.status).toBe(404)
    })))

  it.effect("a job id that does not exist is 404 DBS.280016 (resource not found), not the unknown instance's DBS.200002", () =>
    run(Effect.gen(function*() {
      const r = yield* call({ method: "GET", path: `/v3/${PROJECT}/jobs`, query: [["id", "no-such-job"]] })
      expect(r.status).toBe(404)
      expect(r.json).toEqual({ error_code: "DBS.280016", error_msg: "Resource not found: there is no job no-such-job" })
    })))

  it.effect("a restorable-time day that is not YYYY-MM-DD is 400 DBS.280409", () =>
    run(Effect.gen(function*() {
      const r = yield* call({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/restore-time`, query: [["date", "2026-02-30"]] })
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error_code: "DBS.280409" })
    })))
})
