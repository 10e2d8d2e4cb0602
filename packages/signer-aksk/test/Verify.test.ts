import { DdsRequest, SdkDate } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Redacted from "effect/Redacted"

const secret = Redacted.make("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
const credentials = { accessKeyId: "AKIDEXAMPLE0001", secretAccessKey: secret }
const lookup = (accessKeyId: string) => (accessKeyId === "AKIDEXAMPLE0001" ? secret : undefined)

// 2024-03-01T12:00:00Z
const now = Date.UTC(2024, 2, 1, 12, 0, 0)
const minutes = 60 * 1000

const restore = DdsRequest.make({
  method: "POST",
  url: "https://dds.ap-southeast-1.myhuaweicloud.com/v3/p1/instances/ins-1/restore/collections",
  query: [["lang", "en"], ["tag", "a b"], ["tag", "é"]],
  headers: { "content-type": "application/json", "x-project-id": "p1" },
  body: `{"restore_collections":[{"database":"shop","restore_database_time":"1607762955000"}]}`
})
const signed = AkSkSigner.signRequest(restore, credentials, SdkDate.format(now))

const reasonOf = (request: DdsRequest.DdsRequest, at = now) => {
  const result = AkSkSigner.verify(request, lookup, at)
  return result._tag === "Invalid" ? result.reason : result._tag
}

describe("verify", () => {
  it("accepts a request as signed, naming its access key", () => {
    expect(AkSkSigner.verify(signed, lookup, now)).toEqual({ _tag: "Valid", accessKeyId: "AKIDEXAMPLE0001" })
  })

  it("accepts a header added after signing that is not signed", () => {
    expect(reasonOf(DdsRequest.setHeaders(signed, { "x-language": "zh-cn" }))).toBe("Valid")
  })

  it("accepts a date exactly 15 minutes away either way", () => {
    expect(reasonOf(signed, now + 15 * minutes)).toBe("Valid")
    expect(reasonOf(signed, now - 15 * minutes)).toBe("Valid")
  })

  it("refuses a tampered method, path, query, signed header or body as a signature mismatch", () => {
    expect(reasonOf(DdsRequest.modify(signed, { method: "PUT" }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.modify(signed, { url: signed.url.replace("ins-1", "ins-2") }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.modify(signed, { query: [["lang", "en"], ["tag", "a b"]] }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.modify(signed, { query: [["lang", "en"], ["tag", "a+b"], ["tag", "é"]] }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.setHeaders(signed, { "x-project-id": "p2" }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.setHeaders(signed, { "content-type": "text/plain" }))).toBe("SignatureMismatch")
    expect(reasonOf(DdsRequest.modify(signed, { body: signed.body.replace("shop", "shoq") }))).toBe("SignatureMismatch")
  })

  it("accepts the query pairs in any order, as the canonical query is sorted", () => {
    expect(reasonOf(DdsRequest.modify(signed, { query: [["tag", "é"], ["lang", "en"], ["tag", "a b"]] }))).toBe("Valid")
  })

  it("refuses a request signed with another secret", () => {
    const forged = AkSkSigner.signRequest(restore, { ...credentials, secretAccessKey: Redacted.make("not-the-secret") }, SdkDate.format(now))
    expect(AkSkSigner.verify(forged, lookup, now)).toEqual({
      _tag: "Invalid",
      reason: "SignatureMismatch",
      detail: "the signature does not match the request (method, path, query, signed headers or body)"
    })
  })

  it("refuses an unknown access key", () => {
    const stranger = AkSkSigner.signRequest(restore, { ...credentials, accessKeyId: "AKIDUNKNOWN" }, SdkDate.format(now))
    expect(AkSkSigner.verify(stranger, lookup, now)).toEqual({
      _tag: "Invalid",
      reason: "UnknownAccessKey",
      detail: "the access key AKIDUNKNOWN is not known"
    })
  })

  it("refuses a date 16 minutes behind or ahead, with both times as the gateway reports them", () => {
    expect(AkSkSigner.verify(signed, lookup, now + 16 * minutes)).toEqual({
      _tag: "Invalid",
      reason: "Expired",
      detail: "signature expired, signature time:20240301T120000Z,server time:20240301T121600Z",
      serverTime: "20240301T121600Z"
    })
    expect(AkSkSigner.verify(signed, lookup, now - 16 * minutes)).toEqual({
      _tag: "Invalid",
      reason: "Expired",
      detail: "signature expired, signature time:20240301T120000Z,server time:20240301T114400Z",
      serverTime: "20240301T114400Z"
    })
  })

  it("refuses a request without Authorization or X-Sdk-Date", () => {
    const { authorization: _a, ...withoutAuthorization } = signed.headers
    const { "x-sdk-date": _d, ...withoutDate } = signed.headers
    expect(reasonOf(DdsRequest.modify(signed, { headers: withoutAuthorization }))).toBe("MissingAuthorization")
    expect(reasonOf(DdsRequest.modify(signed, { headers: withoutDate }))).toBe("MissingDate")
  })

  it("refuses a malformed Authorization or X-Sdk-Date, saying what is wrong", () => {
    const detailOf = (headers: Record<string, string>) => {
      const result = AkSkSigner.verify(DdsRequest.setHeaders(signed, headers), lookup, now)
      return result._tag === "Invalid" ? [result.reason, result.detail] : [result._tag]
    }
    expect(detailOf({ authorization: "Bearer abc" })).toEqual([
      "MalformedAuthorization",
      "the Authorization header is not 'SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<names>, Signature=<64 hex digits>'"
    ])
    expect(detailOf({ "x-sdk-date": "2024-03-01T12:00:00Z" })).toEqual([
      "MalformedAuthorization",
      "X-Sdk-Date '2024-03-01T12:00:00Z' is not YYYYMMDDTHHMMSSZ"
    ])
    expect(detailOf({ "x-sdk-date": "20241301T120000Z" })).toEqual([
      "MalformedAuthorization",
      "X-Sdk-Date '20241301T120000Z' is not YYYYMMDDTHHMMSSZ"
    ])
    const authorization = signed.headers["authorization"] ?? ""
    expect(detailOf({ authorization: authorization.replace("x-project-id;x-sdk-date", "x-project-id") })).toEqual([
      "MalformedAuthorization",
      "SignedHeaders does not include x-sdk-date"
    ])
    expect(detailOf({ authorization: authorization.replace("host;", "host;x-language;") })).toEqual([
      "MalformedAuthorization",
      "the signed header x-language is not on the request"
    ])
  })

  it("accepts an UNSIGNED-PAYLOAD request whatever its body, and checks a declared body hash", () => {
    const unsigned = AkSkSigner.signRequest(
      DdsRequest.setHeaders(restore, { "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" }),
      credentials,
      SdkDate.format(now)
    )
    expect(unsigned.headers["authorization"]).toContain("SignedHeaders=content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date,")
    expect(AkSkSigner.canonicalRequest(unsigned, ["content-type", "host", "x-project-id", "x-sdk-content-sha256", "x-sdk-date"]).endsWith("\nUNSIGNED-PAYLOAD")).toBe(true)
    expect(reasonOf(unsigned)).toBe("Valid")
    expect(reasonOf(DdsRequest.modify(unsigned, { body: "{}" }))).toBe("Valid")

    const declared = AkSkSigner.signRequest(
      DdsRequest.setHeaders(restore, { "x-sdk-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" }),
      credentials,
      SdkDate.format(now)
    )
    expect(AkSkSigner.verify(declared, lookup, now)).toEqual({
      _tag: "Invalid",
      reason: "SignatureMismatch",
      detail: "the body does not match its X-Sdk-Content-Sha256"
    })
    expect(reasonOf(DdsRequest.modify(declared, { body: "" }))).toBe("Valid")
  })

  it("does not let an unsigned X-Sdk-Content-Sha256 skip the body check", () => {
    const smuggled = DdsRequest.modify(DdsRequest.setHeaders(signed, { "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" }), { body: "{}" })
    expect(reasonOf(smuggled)).toBe("SignatureMismatch")
  })
})

describe("encoding", () => {
  it("sorts the canonical query by key then value, by code unit before encoding", () => {
    expect(AkSkSigner.canonicalQueryString([["b", "2"], ["a", "z"], ["a", ""], ["B", "1"], ["é", "x"]])).toBe("B=1&a=&a=z&b=2&%C3%A9=x")
  })

  it("adds the trailing slash to the canonical URI and encodes each segment as written", () => {
    expect(AkSkSigner.canonicalUri("/v3/p/instances/i/restore/collections")).toBe("/v3/p/instances/i/restore/collections/")
    expect(AkSkSigner.canonicalUri("/v3/p/")).toBe("/v3/p/")
    expect(AkSkSigner.canonicalUri("/v3/a%2Fb/中 x")).toBe("/v3/a%252Fb/%E4%B8%AD%20x/")
  })
})
