import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { RestorePlan } from "@dds-restore/domain"
import { CallError, DdsResponse, RestoreClient } from "@dds-restore/client"
import { client, counting, fixture, instanceId, json, recording, restoring, sdkDate } from "./support.js"

const local = Date.parse("2021-12-17T06:43:03Z")
const twentyMinutes = 20 * 60 * 1000
const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])

const expired = (code: string, serverTime: string) =>
  json(
    401,
    JSON.stringify({
      error_code: code,
      error_msg: `Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:20211217T064303Z,server time:${serverTime}`
    }),
    "req-expired"
  )

describe("RestoreClient clock skew and refused credentials", () => {
  it.effect("the gateway's 401 APIGW.0301 'signature expired' with the server 20 minutes ahead is re-signed once on the server's clock, and later calls keep it", () => {
    // Two restores, two jobs: a job id is handed out once.
    const transport = restoring((_, index) =>
      Effect.succeed(
        index === 0
          ? expired("APIGW.0301", "20211217T070303Z")
          : index === 1
          ? json(200, fixture("restore-collections.response.json"))
          : json(200, JSON.stringify({ job_id: "b14c2c9b-c867-478d-9b5a-49831e4d34fd" }))
      )
    )
    const signer = counting()
    return Effect.gen(function*() {
      yield* TestClock.setTime(local)
      const restoreClient = yield* RestoreClient.RestoreClient
      expect(yield* restoreClient.restore(instanceId, plan, { preflight: false })).toStrictEqual({ jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false })
      expect(transport.requests).toHaveLength(2)
      // The task list read before the restore, then the restore twice.
      expect(signer.signed).toStrictEqual([local, local, local + twentyMinutes])
      expect(transport.requests.map((r) => r.headers["x-sdk-date"])).toStrictEqual(["20211217T064303Z", "20211217T070303Z"])

      yield* TestClock.adjust("1 minute")
      expect((yield* restoreClient.restore(instanceId, plan, { preflight: false })).jobId).toBe("b14c2c9b-c867-478d-9b5a-49831e4d34fd")
      expect(transport.requests).toHaveLength(3)
      expect(transport.requests[2]?.headers["x-sdk-date"]).toBe(sdkDate(local + 60_000 + twentyMinutes))
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("the reference's APIGW.0301 'signature expired' answer is read for the server time too", () => {
    const transport = recording((_, index) =>
      Effect.succeed(index === 0 ? json(401, fixture("gateway-expired.response.json")) : json(200, fixture("job.response.json")))
    )
    const signer = counting()
    return Effect.gen(function*() {
      yield* TestClock.setTime(local)
      yield* (yield* RestoreClient.RestoreClient).job("a03b1b8a-b756-467c-8a49-38720c3d23ec")
      // server time 06:58:04 against a local 06:43:03: 15 min 1 s ahead.
      expect(signer.signed).toStrictEqual([local, Date.parse("2021-12-17T06:58:04Z")])
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("without a time in the message, the Date header gives the server's clock", () => {
    const transport = recording((_, index) =>
      Effect.succeed(
        index === 0
          ? DdsResponse.make({
            status: 401,
            headers: { "Date": "Fri, 17 Dec 2021 07:03:03 GMT" },
            body: JSON.stringify({ code: "APIG.0301", message: "Incorrect IAM authentication information: signature expired" })
          })
          : json(200, fixture("backup-policy.response.json"))
      )
    )
    const signer = counting()
    return Effect.gen(function*() {
      yield* TestClock.setTime(local)
      yield* (yield* RestoreClient.RestoreClient).backupPolicy(instanceId)
      expect(signer.signed).toStrictEqual([local, local + twentyMinutes])
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("a second clock-skew refusal in a row is reported, not resent again", () => {
    const transport = recording(() => Effect.succeed(expired("APIGW.0301", "20211217T070303Z")))
    return Effect.gen(function*() {
      yield* TestClock.setTime(local)
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false }))
      expect(error).toMatchObject({ _tag: "ServiceError", status: 401, code: "APIGW.0301", requestId: "req-expired" })
      expect(error._tag === "ServiceError" && error.isClockSkew).toBe(true)
      expect(error.message).toContain("clock")
      expect(transport.requests).toHaveLength(2)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("another 401 makes the signer drop its credential, and the request is re-signed and resent once", () => {
    const refused = json(401, JSON.stringify({ error_code: "APIGW.0301", error_msg: "Incorrect IAM authentication information" }))
    const transport = restoring((_, index) =>
      Effect.succeed(index === 0 ? refused : json(200, fixture("restore-collections.response.json")))
    )
    const invalidated: Array<string | undefined> = []
    const signer = counting((request) => Effect.sync(() => invalidated.push(request.headers["authorization"])).pipe(Effect.as(true)))
    return Effect.gen(function*() {
      expect(yield* (yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })).toStrictEqual(
        { jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false }
      )
      // Signature 1 went to the task list read before the restore.
      expect(invalidated).toStrictEqual(["test-signature-2"])
      expect(transport.requests.map((r) => r.headers["authorization"])).toStrictEqual(["test-signature-2", "test-signature-3"])
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it("clock skew is told by the gateway's 'signature expired', not by the code: APIGW.0301 covers every refused signature", () => {
    const refusal = (code: string, detail: string) =>
      new CallError.ServiceError({ status: 401, code, detail, operation: "job" }).isClockSkew
    expect(refusal("APIGW.0301", "Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:20211217T064303Z,server time:20211217T070303Z")).toBe(true)
    expect(refusal("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")).toBe(false)
    expect(refusal("APIGW.0303", "Incorrect app authentication information: verify signature fail")).toBe(false)
  })

  it.effect("a 401 is not resent when the signer has nothing to renew", () => {
    const refused = json(401, JSON.stringify({ error_code: "DBS.280056", error_msg: "Token invalid" }), "req-401")
    const declined = recording(() => Effect.succeed(refused))
    const plain = recording(() => Effect.succeed(refused))
    return Effect.gen(function*() {
      const first = yield* Effect.flip(
        Effect.flatMap(RestoreClient.RestoreClient, (c) => c.restore(instanceId, plan, { preflight: false })).pipe(
          Effect.provide(client(declined.layer, counting(() => Effect.succeed(false)).layer))
        )
      )
      const second = yield* Effect.flip(
        Effect.flatMap(RestoreClient.RestoreClient, (c) => c.backupPolicy(instanceId)).pipe(Effect.provide(client(plain.layer)))
      )
      for (const error of [first, second]) {
        expect(error).toMatchObject({ _tag: "ServiceError", status: 401, code: "DBS.280056", requestId: "req-401" })
        expect(error.message).toContain("check the access key")
      }
      expect([declined.requests.length, plain.requests.length]).toStrictEqual([1, 1])
    })
  })
})
