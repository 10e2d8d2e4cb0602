import { DdsRequest, Transport } from "@dds-restore/client"
import { Wire } from "@dds-restore/domain"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { FakeDds, Fault } from "../src/index.js"
import { as, call, expectGatewayRefusal, getJob, HOUR, NOW, PROJECT, reply, restore, sdkDate, seed, signed } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds | Transport.Transport>, options: FakeDds.Options = {}) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layerMemory(seed, options)))

const policy = () => call({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` })

const orders = {
  restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_collection_time: String(NOW - HOUR) }] }]
}

const restoreRequest = signed({ method: "POST", path: `/v3/${PROJECT}/instances/rs1/restore/collections`, body: orders })

describe("FakeDds faults", () => {
  it.effect("latency delays the answer on the Effect Clock", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ operation: "backupPolicy", fault: Fault.latency("5 seconds") })
      const fiber = yield* Effect.fork(policy())
      yield* TestClock.adjust("4 seconds")
      expect(fiber.unsafePoll()).toBe(null)
      yield* TestClock.adjust("1 second")
      const r = yield* Fiber.join(fiber)
      expect(r.status).toBe(200)
    })))

  it.effect("rated latency applies to every call", () =>
    run(
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(policy())
        yield* TestClock.adjust("19 millis")
        expect(fiber.unsafePoll()).toBe(null)
        yield* TestClock.adjust("1 millis")
        expect((yield* Fiber.join(fiber)).status).toBe(200)
      }),
      { faults: { latency: "20 millis" } }
    ))

  it.effect("throttling is 429 with the gateway's APIGW.0308 body, for the given number of calls", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ operation: "backupPolicy", times: 2, fault: Fault.throttle })
      const first = yield* policy()
      expect(first.status).toBe(429)
      expect(first.json).toEqual({
        error_code: "APIGW.0308",
        error_msg: "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 minute",
        request_id: first.headers["x-request-id"]
      })
      expect((yield* policy()).status).toBe(429)
      expect((yield* policy()).status).toBe(200)
      expect(yield* fake.requests).toEqual({ backupPolicy: 3 })
    })))

  it.effect("a fault for another operation leaves this one alone", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ operation: "restore", fault: Fault.throttle })
      expect((yield* policy()).status).toBe(200)
      expect((yield* restore("rs1", orders)).status).toBe(429)
    })))

  it.effect("a server error is a 5xx with an error body, and nothing is done", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ fault: Fault.serverError(503) })
      const r = yield* restore("rs1", orders)
      expect(r.status).toBe(503)
      expect(r.json).toMatchObject({ error_code: "DBS.200000" })
      expect(yield* fake.jobs).toEqual([])
    })))

  it.effect("a dropped restore answer creates the job, and the caller gets a TransportError that may have reached the server", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const transport = yield* Transport.Transport
      yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer("Connection") })
      const result = yield* Effect.either(transport.send(yield* restoreRequest))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("TransportError")
        expect(result.left.reason).toBe("Connection")
        expect(result.left.mayHaveReachedServer).toBe(true)
        expect(result.left.method).toBe("POST")
      }
      const jobs = yield* fake.jobs
      expect(jobs.length).toBe(1)
      yield* TestClock.adjust("3 seconds")
      expect(as(Wire.JobResponse, yield* getJob(jobs[0]?.id ?? "")).job.status).toBe("Running")
    })))

  it.effect("handle fails with DroppedAnswer, so the emulator can reset the socket", () =>
    run(
      Effect.gen(function*() {
        const fake = yield* FakeDds.FakeDds
        const dropped = yield* Effect.flip(fake.handle(yield* restoreRequest))
        expect(dropped._tag).toBe("DroppedAnswer")
        expect(dropped.reason).toBe("Timeout")
        expect((yield* fake.jobs).length).toBe(1)
      }),
      { faults: { dropRestoreAnswer: 1 } }
    ))

  it.effect("clock skew: a signature more than 15 minutes off the server's clock is 401 APIGW.0301 (signature expired) naming the server time", () =>
    run(
      Effect.gen(function*() {
        const r = yield* policy()
        expectGatewayRefusal(
          r,
          "APIGW.0301",
          "calc aksk signature fail:signature expired, signature time:20261120T120000Z,server time:20261120T122000Z"
        )
        expect(r.headers["date"]).toBe("Fri, 20 Nov 2026 12:20:00 GMT")
        // Re-signed with the server's clock, it goes through.
        const fake = yield* FakeDds.FakeDds
        const resigned = DdsRequest.setHeaders(
          yield* signed({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` }),
          { "x-sdk-date": sdkDate(NOW + 20 * 60_000) }
        )
        expect(reply(yield* fake.handle(resigned)).status).toBe(200)
      }),
      { faults: { clockSkew: "20 minutes" } }
    ))

  it.effect("clock skew within 15 minutes is accepted, and can be set behind", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.setClockSkew("15 minutes", { behind: true })
      expect((yield* policy()).status).toBe(200)
      yield* fake.setClockSkew("16 minutes", { behind: true })
      const r = yield* policy()
      expect(r.status).toBe(401)
      expect((r.json as { error_msg: string }).error_msg).toContain("server time:20261120T114400Z")
    })))

  it.effect("rated faults are drawn from a seeded Random: the same seed gives the same run", () =>
    Effect.gen(function*() {
      const statuses = run(
        Effect.forEach(Array.from({ length: 40 }), () => Effect.map(policy(), (r) => r.status)),
        { faults: { throttle: 0.3, error5xx: 0.1 } }
      )
      const first = yield* statuses
      expect(yield* statuses).toEqual(first)
      expect(first).toContain(429)
      expect(first).toContain(500)
      expect(first).toContain(200)
    }))
})
