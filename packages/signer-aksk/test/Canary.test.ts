import { DdsRequest, Signer } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import { AkSkSigner, Credentials } from "@dds-restore/signer-aksk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"

// Two values that must never show anywhere but in the HMAC key and the X-Security-Token header.
const canarySecret = "CANARY-SECRET-7f3a9c1e5b"
const canaryToken = "CANARY-TOKEN-2d8e6b4f0a"

const shows = (value: unknown): ReadonlyArray<string> => {
  const views = [
    JSON.stringify(value) ?? "",
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    String(value)
  ]
  if (value instanceof Error) views.push(value.message, value.stack ?? "")
  return views
}
const expectNoCanary = (value: unknown) => {
  for (const view of shows(value)) {
    expect(view).not.toContain(canarySecret)
    expect(view).not.toContain(canaryToken)
  }
}

const credentials: AkSkSigner.Credentials = {
  accessKeyId: "AKCANARY",
  secretAccessKey: Redacted.make(canarySecret),
  securityToken: Redacted.make(canaryToken)
}
const request = DdsRequest.make({
  method: "POST",
  url: "https://dds.example.com/v3/p1/instances/i1/restore/collections",
  headers: { "content-type": "application/json" },
  body: "{}"
})

describe("secrets never show", () => {
  it("not in the credentials, the signer or a signed request", () => {
    const signed = AkSkSigner.signRequest(request, credentials, "20240301T120000Z")
    // The token is sent, so it is on the request, but hidden whenever the request is shown.
    expect(signed.headers["x-security-token"]).toBe(canaryToken)
    expectNoCanary(credentials)
    expectNoCanary(AkSkSigner.make(credentials))
    expectNoCanary(AkSkSigner.layer(credentials))
    expectNoCanary(signed)
    expectNoCanary(signed.headers["authorization"])
  })

  it("not in what verify says about a request", () => {
    const signed = AkSkSigner.signRequest(request, credentials, "20240301T120000Z")
    const now = Date.UTC(2024, 2, 1, 12, 0, 0)
    const results = [
      AkSkSigner.verify(signed, () => Redacted.make(canarySecret), now),
      AkSkSigner.verify(signed, () => Redacted.make("wrong"), now),
      AkSkSigner.verify(DdsRequest.modify(signed, { body: "[]" }), () => Redacted.make(canarySecret), now),
      AkSkSigner.verify(signed, () => Redacted.make(canarySecret), now + 3_600_000),
      AkSkSigner.verify(signed, () => undefined, now)
    ]
    expect(results.map((r) => (r._tag === "Invalid" ? r.reason : r._tag))).toEqual([
      "Valid",
      "SignatureMismatch",
      "SignatureMismatch",
      "Expired",
      "UnknownAccessKey"
    ])
    results.forEach(expectNoCanary)
  })

  it.effect("not in an error of layerConfig, nor in its failed Exit", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "signer-aksk-canary-"))
      const halfFile = join(dir, "credentials")
      writeFileSync(halfFile, `[basic]\nsk = ${canarySecret}\nsecurity_token = ${canaryToken}\n`)
      const environments: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [
        [["HUAWEICLOUD_SDK_SK", canarySecret], ["HUAWEICLOUD_SDK_SECURITY_TOKEN", canaryToken]],
        [["HUAWEICLOUD_SDK_CREDENTIALS_FILE", halfFile]],
        [["HUAWEICLOUD_SDK_CREDENTIALS_FILE", dir], ["HUAWEICLOUD_SDK_SECURITY_TOKEN", canaryToken]]
      ]
      for (const env of environments) {
        const exit = yield* Effect.exit(
          Effect.flatMap(Signer.Signer, (signer) => signer.sign(request)).pipe(
            Effect.provide(AkSkSigner.layerConfig()),
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env)))
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expectNoCanary(exit)
        if (Exit.isFailure(exit)) {
          const error = exit.cause.toJSON()
          expectNoCanary(error)
        }
        expectNoCanary(yield* Effect.flip(Credentials.load.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))))))
      }
    }))

  it.effect("not in the credentials layerConfig reads, nor in the SignerError of a request it cannot sign", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(0)
      const loaded = yield* Credentials.load.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([["HUAWEICLOUD_SDK_AK", "AKCANARY"], ["HUAWEICLOUD_SDK_SK", canarySecret], ["HUAWEICLOUD_SDK_SECURITY_TOKEN", canaryToken]])
          )
        )
      )
      expectNoCanary(loaded)
      expect(loaded.securityToken === undefined ? undefined : Redacted.value(loaded.securityToken)).toBe(canaryToken)
      const error = yield* Effect.flip(AkSkSigner.make(credentials).sign(DdsRequest.modify(request, { query: [["x", "\uDC00"]] })))
      expect(error.reason).toBe("InvalidRequest")
      expectNoCanary(error)
    }))
})
