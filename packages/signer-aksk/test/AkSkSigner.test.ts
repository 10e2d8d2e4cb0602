import { DdsRequest, Signer } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const secret = Redacted.make("Q2FuYXJ5U2VjcmV0S2V5Rm9yVGVzdHMwMDAwMDA")
const credentials = { accessKeyId: "AKIDSIGNERTEST01", secretAccessKey: secret }
const lookup = (accessKeyId: string) => (accessKeyId === credentials.accessKeyId ? secret : undefined)

// 2024-03-01T12:00:00Z
const noon = Date.UTC(2024, 2, 1, 12, 0, 0)

const request = DdsRequest.make({
  method: "GET",
  url: "https://dds.ap-southeast-1.myhuaweicloud.com/v3/p1/instances",
  query: [["id", "ins-1"]],
  headers: { "x-project-id": "p1" }
})

// A clock `offset` milliseconds ahead of another, as the client builds to correct skew.
const ahead = (clock: Clock.Clock, offset: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  currentTimeMillis: Effect.map(clock.currentTimeMillis, (t) => t + offset),
  currentTimeNanos: Effect.map(clock.currentTimeNanos, (t) => t + BigInt(offset) * 1_000_000n),
  unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis() + offset,
  unsafeCurrentTimeNanos: () => clock.unsafeCurrentTimeNanos() + BigInt(offset) * 1_000_000n,
  sleep: (duration) => clock.sleep(duration)
})

describe("AkSkSigner.make", () => {
  it.effect("signs at the time of the Effect Clock, so TestClock drives X-Sdk-Date", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signed = yield* AkSkSigner.make(credentials).sign(request)
      expect(signed.headers["x-sdk-date"]).toBe("20240301T120000Z")
      expect(AkSkSigner.verify(signed, lookup, noon)).toEqual({ _tag: "Valid", accessKeyId: "AKIDSIGNERTEST01" })
      yield* TestClock.adjust("90 seconds")
      const later = yield* AkSkSigner.make(credentials).sign(request)
      expect(later.headers["x-sdk-date"]).toBe("20240301T120130Z")
    }))

  it.effect("a clock 20 minutes ahead (Effect.withClock) moves X-Sdk-Date 20 minutes ahead", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signer = AkSkSigner.make(credentials)
      const clock = yield* Effect.clock
      const skewed = yield* Effect.withClock(signer.sign(request), ahead(clock, 20 * 60 * 1000))
      expect(skewed.headers["x-sdk-date"]).toBe("20240301T122000Z")
      expect(AkSkSigner.verify(skewed, lookup, noon + 20 * 60 * 1000)._tag).toBe("Valid")
      expect(AkSkSigner.verify(skewed, lookup, noon)).toMatchObject({ _tag: "Invalid", reason: "Expired", serverTime: "20240301T120000Z" })
    }))

  it.effect("replaces an X-Sdk-Date and an Authorization already on the request", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const stale = DdsRequest.setHeaders(request, {
        "X-Sdk-Date": "20200101T000000Z",
        Authorization: "SDK-HMAC-SHA256 Access=OLD, SignedHeaders=host;x-sdk-date, Signature=" + "0".repeat(64)
      })
      const signed = yield* AkSkSigner.make(credentials).sign(stale)
      expect(signed.headers["x-sdk-date"]).toBe("20240301T120000Z")
      expect(signed.headers["authorization"]).toMatch(/^SDK-HMAC-SHA256 Access=AKIDSIGNERTEST01, SignedHeaders=host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/)
      expect(signed.headers["authorization"]).toBe(AkSkSigner.signRequest(request, credentials, "20240301T120000Z").headers["authorization"])
    }))

  it.effect("temporary credentials add X-Security-Token before signing, so it is signed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signed = yield* AkSkSigner.make({ ...credentials, securityToken: Redacted.make("gQpjbi1ub3J0aC00Token") }).sign(request)
      expect(signed.headers["x-security-token"]).toBe("gQpjbi1ub3J0aC00Token")
      expect(signed.headers["authorization"]).toContain("SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,")
      expect(AkSkSigner.verify(signed, lookup, noon)._tag).toBe("Valid")
      expect(AkSkSigner.verify(DdsRequest.setHeaders(signed, { "x-security-token": "other" }), lookup, noon)).toMatchObject({
        reason: "SignatureMismatch"
      })
    }))

  it.effect("a query value with a lone surrogate fails with SignerError InvalidRequest", () =>
    Effect.gen(function*() {
      const broken = DdsRequest.modify(request, { query: [["name", "bad\uD800"]] })
      const error = yield* Effect.flip(AkSkSigner.make(credentials).sign(broken))
      expect(error._tag).toBe("SignerError")
      expect(error.reason).toBe("InvalidRequest")
      expect(error.detail).toBe(
        "GET https://dds.ap-southeast-1.myhuaweicloud.com/v3/p1/instances: the path or a query parameter holds a lone UTF-16 surrogate, which cannot be percent-encoded; fix the string before sending it"
      )
    }))

  it.effect("a URL without a host fails with SignerError InvalidRequest", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(AkSkSigner.make(credentials).sign(DdsRequest.modify(request, { url: "/v3/p1/instances" })))
      expect(error.reason).toBe("InvalidRequest")
      expect(error.detail).toBe("GET /v3/p1/instances: the URL is not an absolute URL with a host; give the endpoint as https://host[:port]")
    }))

  it("signs requests to alternating URLs each over its own host and path", () => {
    const other = DdsRequest.modify(request, { url: "https://dds.cn-north-4.example.com:8443/v3/p2/jobs" })
    const date = "20240301T120000Z"
    const first = AkSkSigner.signRequest(request, credentials, date)
    const second = AkSkSigner.signRequest(other, credentials, date)
    expect(AkSkSigner.canonicalRequest(second, ["host", "x-sdk-date"]).split("\n").slice(1, 4)).toEqual([
      "/v3/p2/jobs/",
      "id=ins-1",
      "host:dds.cn-north-4.example.com:8443"
    ])
    expect(AkSkSigner.signRequest(request, credentials, date)).toEqual(first)
    expect(AkSkSigner.verify(second, lookup, noon)._tag).toBe("Valid")
  })
})

describe("AkSkSigner.layer", () => {
  it.effect("provides the client's Signer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signer = yield* Signer.Signer
      const signed = yield* signer.sign(request)
      expect(AkSkSigner.verify(signed, lookup, noon)._tag).toBe("Valid")
    }).pipe(Effect.provide(AkSkSigner.layer(credentials))))

  it.effect("composes with the client's Signer.layer: a custom signer can add a header and delegate", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signed = yield* Effect.flatMap(Signer.Signer, (signer) => signer.sign(request))
      expect(signed.headers["x-language"]).toBe("en-us")
      expect(signed.headers["content-type"]).toBe("application/json")
      expect(signed.headers["authorization"]).toContain("SignedHeaders=content-type;host;x-project-id;x-sdk-date,")
      expect(AkSkSigner.verify(signed, lookup, noon)._tag).toBe("Valid")
    }).pipe(
      Effect.provide(
        Signer.layer((r) =>
          AkSkSigner.make(credentials).sign(DdsRequest.setHeaders(r, { "x-language": "en-us", "content-type": "application/json" }))
        )
      )
    ))
})
