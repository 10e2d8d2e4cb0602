import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { RestorePlan } from "@dds-restore/domain"
import { type DdsRequest, RestoreClient, RetryPolicy, Transport } from "@dds-restore/client"
import { client, counting, fixture, instanceId, json, recording, refused, restoring, timedOut } from "./support.js"

const throttled = (requestId = "req-throttled") => json(429, fixture("gateway-throttled.response.json"), requestId)
const serverError = (requestId = "req-500") =>
  json(500, JSON.stringify({ error_code: "DBS.200000", error_msg: "Internal error." }), requestId)
const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])

// A transport failure of the given kind for a request.
const lostTo = (reason: Transport.TransportError["reason"], mayHaveReachedServer: boolean, detail: string) =>
(request: DdsRequest.DdsRequest) =>
  new Transport.TransportError({ reason, method: request.method, url: request.url, mayHaveReachedServer, detail })

/** Runs a call to its end while the test clock moves far past every back-off. */
const settled = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust("10 minutes")
    return yield* Fiber.join(fiber)
  })

describe("RestoreClient retries", () => {
  it.effect("a throttled read is retried after the throttling delay and succeeds", () => {
    const transport = recording((_, index) =>
      Effect.succeed(index === 0 ? throttled() : json(200, fixture("backup-policy.response.json")))
    )
    const signer = counting()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* RestoreClient.RestoreClient).backupPolicy(instanceId))
      // The first wait after throttling is 2 s with ±20% jitter: nothing is resent before 1.6 s.
      yield* TestClock.adjust("1500 millis")
      expect(transport.requests).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      const policy = yield* Fiber.join(fiber)
      expect(policy.keep_days).toBe(7)
      expect(transport.requests).toHaveLength(2)
      // Signed afresh for the resend, at the time of the resend.
      expect(signer.signed).toHaveLength(2)
      expect(signer.signed[0]).toBe(0)
      expect(signer.signed[1]).toBeGreaterThanOrEqual(1600)
      expect(signer.signed[1]).toBeLessThanOrEqual(2400)
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("a read answered 5xx or lost in transit is retried", () => {
    const transport = recording((request, index) =>
      index === 0
        ? Effect.succeed(serverError())
        : index === 1
        ? Effect.fail(timedOut(request))
        : Effect.succeed(json(200, fixture("job.response.json")))
    )
    return Effect.gen(function*() {
      const job = yield* settled((yield* RestoreClient.RestoreClient).job("a03b1b8a-b756-467c-8a49-38720c3d23ec"))
      expect(job.status).toBe("Running")
      expect(transport.requests).toHaveLength(3)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("retries stop at the attempt bound and report the last error", () => {
    const transport = recording((_, index) => Effect.succeed(json(503, "<html>busy</html>", `req-${index}`)))
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId)))
      expect(transport.requests).toHaveLength(5)
      expect(error).toMatchObject({ _tag: "ServiceError", status: 503, code: "HTTP.503", requestId: "req-4" })
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("retries stop once the time bound has passed", () => {
    const transport = recording(() => Effect.succeed(throttled()))
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId)))
      // 2 s, 4 s then 8 s (±20%) of waiting passes the 10 s bound: the fourth failure is the last.
      expect(transport.requests).toHaveLength(4)
      expect(error).toMatchObject({ _tag: "ServiceError", status: 429, code: "APIGW.0308" })
    }).pipe(Effect.provide(client(transport.layer, undefined, { retryPolicy: { maxAttempts: 10, maxElapsed: "10 seconds" } })))
  })

  it.effect("a refused request (400) is not retried", () => {
    const transport = recording(() => Effect.succeed(json(400, fixture("error.response.json"))))
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId)))
      expect(error).toMatchObject({ _tag: "ServiceError", status: 400, code: "DBS.200001" })
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a restore answered 429 is resent, exactly as often as it was throttled, each attempt signed afresh", () => {
    const transport = restoring((_, index) =>
      Effect.succeed(index < 2 ? throttled(`req-${index}`) : json(200, fixture("restore-collections.response.json")))
    )
    const signer = counting()
    return Effect.gen(function*() {
      const submission = yield* settled((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false }))
      expect(submission).toStrictEqual({ jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false })
      expect(transport.requests).toHaveLength(3)
      // Signature 1 went to the task list read before the restore.
      expect(signer.signed).toHaveLength(4)
      expect(transport.requests.map((r) => r.headers["authorization"])).toStrictEqual([
        "test-signature-2",
        "test-signature-3",
        "test-signature-4"
      ])
      expect(new Set(transport.requests.map((r) => r.body)).size).toBe(1)
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("a restore that timed out after it was written is NOT resent: with the task list unreadable too, its outcome is unknown", () => {
    // The task list answers once, before the restore; then nothing answers any more.
    const transport = recording((request, index) =>
      index === 0 ? Effect.succeed(json(200, JSON.stringify({ jobs: [], total_count: 0 }))) : Effect.fail(timedOut(request))
    )
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })))
      expect(error._tag).toBe("RestoreOutcomeUnknown")
      if (error._tag !== "RestoreOutcomeUnknown") return
      expect(error.error).toMatchObject({ _tag: "TransportError", reason: "Timeout", mayHaveReachedServer: true })
      expect(error.lookupFailure).toContain("no answer within 30 s")
      // Its outcome could not be recorded: the user is told which submission is left for recover.
      expect(error.unsettled).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(error.message).toContain(`Its outcome was not recorded: submission ${error.unsettled} is left unsettled in the restore ledger`)
      const [left] = yield* settled((yield* RestoreClient.RestoreClient).recover({ wait: "0 millis" }))
      expect([left?.entry.id, left?.left]).toStrictEqual([error.unsettled, "TaskListUnreadable"])
      expect(transport.requests.filter((r) => r.method === "POST")).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a restore answered 500 is NOT resent: the task list is searched, and an empty one leaves the outcome unknown", () => {
    const transport = recording((request) =>
      Effect.succeed(request.method === "POST" ? serverError() : json(200, JSON.stringify({ jobs: [], total_count: 0 })))
    )
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })))
      expect(error._tag).toBe("RestoreOutcomeUnknown")
      if (error._tag !== "RestoreOutcomeUnknown") return
      expect(error.error).toMatchObject({ _tag: "ServiceError", status: 500, code: "DBS.200000", requestId: "req-500" })
      expect(error.lookupFailure).toBeUndefined()
      // Recorded as not started (the task list was read to the end of the wait): nothing left for recover.
      expect(error.unsettled).toBeUndefined()
      expect(error.message).not.toContain("not recorded")
      expect(error.message).toContain("look in the task list")
      expect(transport.requests.filter((r) => r.method === "POST")).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a restore that never left this machine (connection refused) is resent", () => {
    const transport = restoring((request, index) =>
      index === 0
        ? Effect.fail(refused(request))
        : Effect.succeed(json(200, fixture("restore-collections.response.json")))
    )
    return Effect.gen(function*() {
      expect(yield* settled((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false }))).toStrictEqual(
        { jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false }
      )
      expect(transport.requests).toHaveLength(2)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("an answer too large to read is not retried like throttling: the read fails after one attempt", () => {
    const transport = recording((request) =>
      Effect.fail(
        lostTo("AnswerTooLarge", true, "the answer (status 500) is longer than the 4194304 bytes this transport reads (maxAnswerBytes)")(request)
      )
    )
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).job("a03b1b8a-b756-467c-8a49-38720c3d23ec")))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "AnswerTooLarge" })
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a restore whose answer was too large to read is an answer lost: not resent, settled from the task list", () => {
    const transport = recording((request) =>
      request.method === "POST"
        ? Effect.fail(
          lostTo("AnswerTooLarge", true, "the answer (status 200) declares 1073741824 bytes, more than the 4194304 this transport reads (maxAnswerBytes)")(request)
        )
        : Effect.succeed(json(200, JSON.stringify({ jobs: [], total_count: 0 })))
    )
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })))
      expect(error._tag).toBe("RestoreOutcomeUnknown")
      expect(transport.requests.filter((r) => r.method === "POST")).toHaveLength(1)
      expect(transport.requests.filter((r) => r.method === "GET").length).toBeGreaterThan(0)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a restore refused on this machine for a header it cannot send is not resent and is known not to have started", () => {
    const transport = recording((request) =>
      Effect.fail(
        lostTo("InvalidHeader", false, `the header "x-security-token" holds a line break or a NUL, which HTTP cannot carry as signed; nothing was sent`)(request)
      )
    )
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "InvalidHeader", mayHaveReachedServer: false })
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("with maxAttempts 1 nothing is retried", () => {
    const transport = recording(() => Effect.succeed(throttled()))
    return Effect.gen(function*() {
      const error = yield* settled(Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId)))
      expect(error._tag).toBe("ServiceError")
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer, undefined, { retryPolicy: { maxAttempts: 1 } })))
  })
})

describe("RetryPolicy.schedule", () => {
  // The waits between the attempts of an effect throttled `times` times, then successful, and
  // whether it succeeded.
  const attempts = (times: number, options: RetryPolicy.ScheduleOptions) =>
    Effect.gen(function*() {
      const at: Array<number> = []
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
        at.push(now)
        return at.length <= times ? Effect.fail("throttled" as const) : Effect.void
      })
      const fiber = yield* Effect.fork(Effect.retry(attempt, RetryPolicy.schedule(RetryPolicy.defaults, () => "Throttled", options)))
      yield* TestClock.adjust("10 minutes")
      const exit = yield* Fiber.await(fiber)
      // To the millisecond: jittered waits leave fractions whose differences are off by 1e-12.
      return { waits: at.slice(1).map((t, k) => Math.round(t - (at[k] ?? 0))), succeeded: exit._tag === "Success" }
    })

  it.effect("a call throttled again and again waits 2, 4, 8 then 10 s, each jittered by at most 20%, and gives up after 5 attempts", () =>
    Effect.gen(function*() {
      const alone = yield* attempts(5, {})
      expect(alone.succeeded).toBe(false)
      expect(alone.waits).toHaveLength(4)
      alone.waits.forEach((wait, k) => {
        expect(wait).toBeGreaterThanOrEqual(Math.min(0.8 * 2000 * 2 ** k, 10_000))
        expect(wait).toBeLessThanOrEqual(Math.min(1.2 * 2000 * 2 ** k, 10_000))
      })
    }))

  it.effect("paced, it waits 2 s each time, as often as fits in those 24 s: 12 waits, 13 attempts", () =>
    Effect.gen(function*() {
      const paced = yield* attempts(12, { paced: true })
      expect(paced.succeeded).toBe(true)
      expect(paced.waits).toHaveLength(12)
      for (const wait of paced.waits) {
        expect(wait).toBeGreaterThanOrEqual(1600)
        expect(wait).toBeLessThanOrEqual(2400)
      }
      const exhausted = yield* attempts(13, { paced: true })
      expect(exhausted.succeeded).toBe(false)
      expect(exhausted.waits).toHaveLength(12)
    }))
})
