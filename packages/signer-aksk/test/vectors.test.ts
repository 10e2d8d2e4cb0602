import { DdsRequest } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Redacted from "effect/Redacted"
import { createHash } from "node:crypto"

// The vectors published in the cloud's API request signing guide (docs/service.md, Signing).
const vpcs = "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
const vpcsQuery = [["limit", "2"], ["marker", "13551d6b-755d-4757-b956-536f674975c0"]] as const
const date = "20191115T033655Z"

describe("published vectors", () => {
  const guide = DdsRequest.make({
    method: "GET",
    url: vpcs,
    query: vpcsQuery,
    headers: { "Content-Type": "application/json", "X-Sdk-Date": date }
  })

  it("A: the canonical request is the guide's text, byte for byte", () => {
    expect(AkSkSigner.canonicalRequest(guide, ["content-type", "host", "x-sdk-date"])).toBe(
      [
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/",
        "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        "content-type:application/json",
        "host:service.region.example.com",
        "x-sdk-date:20191115T033655Z",
        "",
        "content-type;host;x-sdk-date",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      ].join("\n")
    )
  })

  it("A: the string to sign ends with the guide's hash of the canonical request", () => {
    const canonical = AkSkSigner.canonicalRequest(guide, ["content-type", "host", "x-sdk-date"])
    expect(createHash("sha256").update(canonical).digest("hex")).toBe("b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a")
    expect(AkSkSigner.stringToSign(canonical, date)).toBe(
      "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    )
  })

  it("A: signing gives the guide's Authorization header", () => {
    const signed = AkSkSigner.signRequest(
      guide,
      { accessKeyId: "QTWAOYTTINDUT2QVKYUC", secretAccessKey: Redacted.make("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc") },
      date
    )
    expect(signed.headers["authorization"]).toBe(
      "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    )
    expect(signed.headers["x-sdk-date"]).toBe(date)
  })

  const credentialsB = { accessKeyId: "AccessKey", secretAccessKey: Redacted.make("SecretKey") }

  it("B: a GET with a query signed over host;x-sdk-date", () => {
    const signed = AkSkSigner.signRequest(DdsRequest.make({ method: "GET", url: vpcs, query: vpcsQuery }), credentialsB, date)
    expect(signed.headers["authorization"]).toBe(
      "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=fd95e7da6f695cfb4cabbb9d6b0968aec155bc576b064835282473539ae9ea1d"
    )
  })

  it("B: a POST with a JSON body signed over host;x-sdk-date", () => {
    const signed = AkSkSigner.signRequest(
      DdsRequest.make({
        method: "POST",
        url: "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpc/123",
        body: `{"key":"value"}`
      }),
      credentialsB,
      date
    )
    expect(signed.headers["authorization"]).toBe(
      "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=b5649aa774f6cac7437631662f08815fc65c70e40e486df6db2436ce68902771"
    )
  })
})
