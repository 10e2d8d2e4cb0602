import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { RestorePlan } from "@dds-restore/domain"
import { CallError, DdsResponse, JobWatch, RestoreClient, Signer, Transport } from "@dds-restore/client"
import { client, counting, fixture, instanceId, json, recording, restoring } from "./support.js"

const serviceError = (status: number, code: string) =>
  new CallError.ServiceError({ status, code, detail: "x", operation: "restore" })

describe("typed errors", () => {
  it("ServiceError tells throttled, busy and auth apart by status and code", () => {
    const cases: ReadonlyArray<readonly [number, string, CallError.Kind]> = [
      [429, "HTTP.429", "Throttled"],
      [403, "APIGW.0308", "Throttled"],
      [429, "APIG.0308", "Throttled"],
      [400, "DBS.280443", "Throttled"],
      [403, "DBS.200019", "Busy"],
      [403, "DBS.200076", "Busy"],
      [403, "DBS.201000", "Busy"],
      [403, "DBS.201014", "Busy"],
      [403, "DBS.201015", "Busy"],
      [401, "APIGW.0301", "Unauthenticated"],
      [401, "APIGW.0303", "Unauthenticated"],
      [401, "APIGW.0305", "Unauthenticated"],
      [401, "DBS.280056", "Unauthenticated"],
      [403, "DBS.280063", "Forbidden"],
      [404, "DBS.200002", "InstanceNotFound"],
      [400, "DBS.280110", "InstanceNotFound"],
      [400, "DBS.239020", "InvalidRequest"],
      [400, "DBS.280409", "InvalidRequest"],
      [502, "HTTP.502", "ServerError"],
      [409, "DBS.999999", "Other"]
    ]
    expect(cases.map(([status, code]) => serviceError(status, code).kind)).toStrictEqual(cases.map(([, , kind]) => kind))
    expect([serviceError(429, "HTTP.429").isThrottled, serviceError(403, "DBS.200019").isBusy, serviceError(401, "HTTP.401").isAuth])
      .toStrictEqual([true, true, true])
    expect([serviceError(500, "HTTP.500").isThrottled, serviceError(500, "HTTP.500").isBusy, serviceError(500, "HTTP.500").isAuth])
      .toStrictEqual([false, false, false])
    expect(serviceError(403, "DBS.201014").message).toContain("wait until it is `normal` with no running actions")
  })

  it.effect("an error answer keeps its status, code, message and X-Request-Id, and says what to do", () => {
    const transport = recording(() => Effect.succeed(json(400, fixture("error.response.json"), "req-400")))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId))
      expect(error).toStrictEqual(
        new CallError.ServiceError({
          status: 400,
          code: "DBS.200001",
          detail: "Parameter error.",
          requestId: "req-400",
          operation: "backupPolicy"
        })
      )
      expect(error.message).toBe(
        "backupPolicy failed with HTTP 400 DBS.200001: Parameter error. (InvalidRequest, request id req-400). " +
          "The service refused the request's parameters: correct them as its message says; trying again as is will fail again."
      )
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a gateway's { code, message, request_id } body is read, the request id taken from it when no header has one", () => {
    const transport = recording(() =>
      Effect.succeed(
        DdsResponse.make({
          status: 403,
          body: JSON.stringify({ code: "DBS.200019", message: "The instance is busy.", request_id: "body-id" })
        })
      )
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId))
      expect(error).toMatchObject({ _tag: "ServiceError", status: 403, code: "DBS.200019", detail: "The instance is busy.", requestId: "body-id" })
      expect(error._tag === "ServiceError" && error.isBusy).toBe(true)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("an error answer that is not JSON falls back to the status text", () => {
    const transport = recording(() => Effect.succeed(json(404, "<html>nginx</html>", "req-html")))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(instanceId))
      expect(error).toMatchObject({ _tag: "ServiceError", status: 404, code: "HTTP.404", detail: "Not Found", requestId: "req-html" })
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a 2xx answer that does not match its schema is a ResponseDecodeError with status and request id", () => {
    const transport = recording((_, index) =>
      Effect.succeed(index === 0 ? json(202, JSON.stringify({ job_id: 5 }), "req-bad") : json(200, "<html>login</html>", "req-html"))
    )
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const mismatch = yield* Effect.flip(restoreClient.job("a03b1b8a-b756-467c-8a49-38720c3d23ec"))
      expect(mismatch).toMatchObject({ _tag: "ResponseDecodeError", status: 202, requestId: "req-bad", operation: "job" })
      expect(mismatch._tag === "ResponseDecodeError" && mismatch.issue).toBe("job: is missing")
      const notJson = yield* Effect.flip(restoreClient.job("a03b1b8a-b756-467c-8a49-38720c3d23ec"))
      expect(notJson).toMatchObject({
        _tag: "ResponseDecodeError",
        status: 200,
        requestId: "req-html",
        issue: "the body is not JSON (18 characters)"
      })
      expect(notJson.message).toContain("Check that the endpoint is the DDS API")
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("any 2xx is success", () => {
    const transport = restoring(() => Effect.succeed(json(202, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])
      expect(yield* restoreClient.restore(instanceId, plan, { preflight: false })).toStrictEqual({ jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false })
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("transport and signer errors pass through unchanged", () => {
    const lost = new Transport.TransportError({
      reason: "InvalidUrl",
      method: "GET",
      url: "https://dds.cn-north-4.myhuaweicloud.com/v3/p/jobs",
      mayHaveReachedServer: false,
      detail: "bad url"
    })
    const unsigned = new Signer.SignerError({ reason: "MissingCredentials", detail: "HUAWEICLOUD_SDK_AK is not set" })
    return Effect.gen(function*() {
      const fromTransport = yield* Effect.flip(
        Effect.flatMap(RestoreClient.RestoreClient, (c) => c.job("a03b1b8a-b756-467c-8a49-38720c3d23ec")).pipe(
          Effect.provide(client(Transport.layer(() => Effect.fail(lost))))
        )
      )
      // Effect may wrap a failure to carry its span, so compare what a caller reads.
      expect(fromTransport).toMatchObject({ _tag: "TransportError", reason: "InvalidUrl", mayHaveReachedServer: false, detail: "bad url" })
      const fromSigner = yield* Effect.flip(
        Effect.flatMap(RestoreClient.RestoreClient, (c) => c.job("a03b1b8a-b756-467c-8a49-38720c3d23ec")).pipe(
          Effect.provide(client(recording(() => Effect.succeed(json(200, "{}"))).layer, Signer.layer(() => Effect.fail(unsigned))))
        )
      )
      expect(fromSigner).toMatchObject({ _tag: "SignerError", reason: "MissingCredentials", detail: "HUAWEICLOUD_SDK_AK is not set" })
    })
  })

  it.effect("no error carries a signature or another sensitive header", () => {
    const transport = recording(() => Effect.succeed(json(400, fixture("error.response.json"))))
    const signer = counting()
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).restore(
        instanceId,
        RestorePlan.make([RestorePlan.database("shop", 1607762955000)]),
        { preflight: false }
      ))
      expect(transport.requests[0]?.headers["authorization"]).toBe("test-signature-1")
      for (const shown of [JSON.stringify(error), String(error), error.message]) {
        expect(shown).not.toContain("test-signature")
      }
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })
})

describe("a job's errors quote the service's words cut short", () => {
  it("JobFailed, JobWaitTimeout and JobNotFound clip a runaway reason, name, status or id from an answer", () => {
    const huge = (c: string) => c.repeat(100_000)
    const failed = new JobWatch.JobFailed({ jobId: huge("j"), instanceId: huge("i"), instanceName: huge("n"), failReason: huge("r") })
    expect(failed.message).toBe(
      `Restore job ${"j".repeat(64)}… on instance ${"n".repeat(200)}… (${"i".repeat(64)}…) failed: ${"r".repeat(500)}…. ` +
        "Nothing was overwritten: deal with the reason (a time outside the restorable windows, a name that exists, " +
        "a namespace too long, the instance's state), then submit the restore again; quote the job id if you contact support."
    )
    const timedOut = new JobWatch.JobWaitTimeout({ jobId: huge("j"), waitedMillis: 1000, lastStatus: huge("s"), lastProgress: 9 })
    expect(timedOut.message.startsWith(`Restore job ${"j".repeat(64)}… did not end within 1s (last seen ${"s".repeat(64)}… at 9%). `)).toBe(true)
    const notFound = new JobWatch.JobNotFound({ jobId: huge("j"), waitedMillis: 1000, requestId: huge("q") })
    expect(notFound.message.startsWith(`Job ${"j".repeat(64)}… was not found for 1s (request id ${"q".repeat(64)}…): `)).toBe(true)
    for (const error of [failed, timedOut, notFound]) expect(error.message.length).toBeLessThan(1500)
  })
})
