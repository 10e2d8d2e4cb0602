import { DdsRequest, Signer } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import { AkSkSigner, Credentials } from "@dds-restore/signer-aksk"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "signer-aksk-credentials-"))
const profile = (name: string, text: string): string => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const missingFile = join(dir, "does-not-exist")
const variables = ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_CREDENTIALS_FILE"]

const noon = Date.UTC(2024, 2, 1, 12, 0, 0)
const request = DdsRequest.make({ method: "GET", url: "https://dds.example.com/v3/p1/instances" })

// Signs one request through layerConfig under the given environment, and verifies it with `sk`.
const signWith = (env: ReadonlyArray<readonly [string, string]>, sk: string) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(noon)
    const signed = yield* Effect.flatMap(Signer.Signer, (signer) => signer.sign(request))
    return { signed, verification: AkSkSigner.verify(signed, () => Redacted.make(sk), noon) }
  }).pipe(Effect.provide(AkSkSigner.layerConfig()), Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))))

const failureOf = (env: ReadonlyArray<readonly [string, string]>) =>
  Effect.flip(Credentials.load.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env)))))

describe("AkSkSigner.layerConfig", () => {
  it.effect("reads HUAWEICLOUD_SDK_AK, _SK and _SECURITY_TOKEN", () =>
    Effect.gen(function*() {
      const { signed, verification } = yield* signWith(
        [["HUAWEICLOUD_SDK_AK", "AKFROMENV"], ["HUAWEICLOUD_SDK_SK", "sk-from-env"], ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "token-from-env"]],
        "sk-from-env"
      )
      expect(verification).toEqual({ _tag: "Valid", accessKeyId: "AKFROMENV" })
      expect(signed.headers["x-security-token"]).toBe("token-from-env")
    }))

  it.effect("prefers the environment to the credentials file", () =>
    Effect.gen(function*() {
      const file = profile("both", "[basic]\nak = AKFROMFILE\nsk = sk-from-file\n")
      const { verification } = yield* signWith(
        [["HUAWEICLOUD_SDK_AK", "AKFROMENV"], ["HUAWEICLOUD_SDK_SK", "sk-from-env"], ["HUAWEICLOUD_SDK_CREDENTIALS_FILE", file]],
        "sk-from-env"
      )
      expect(verification).toEqual({ _tag: "Valid", accessKeyId: "AKFROMENV" })
    }))

  it.effect("falls back to the [basic] section of HUAWEICLOUD_SDK_CREDENTIALS_FILE", () =>
    Effect.gen(function*() {
      const file = profile(
        "credentials",
        "# written by hcloud\n[other]\nak = NOTTHISONE\nsk = nope\n\n[basic]\nak = AKFROMFILE\r\nsk= sk-from-file \nsecurity_token = token-from-file\nproject_id = p1\n"
      )
      const { signed, verification } = yield* signWith([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", file]], "sk-from-file")
      expect(verification).toEqual({ _tag: "Valid", accessKeyId: "AKFROMFILE" })
      expect(signed.headers["x-security-token"]).toBe("token-from-file")
    }))

  it.effect("uses the config it is given instead, when given one", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(noon)
      const signed = yield* Effect.flatMap(Signer.Signer, (signer) => signer.sign(request)).pipe(
        Effect.provide(
          AkSkSigner.layerConfig(
            Config.all({ accessKeyId: Config.string("MY_AK"), secretAccessKey: Config.redacted("MY_SK") })
          )
        ),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["MY_AK", "AKCUSTOM"], ["MY_SK", "sk-custom"]])))
      )
      expect(AkSkSigner.verify(signed, () => Redacted.make("sk-custom"), noon)).toEqual({ _tag: "Valid", accessKeyId: "AKCUSTOM" })
    }))

  it.effect("with nothing set, fails with Missing, naming the variables and the file", () =>
    Effect.gen(function*() {
      const error = yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", missingFile]])
      expect(error).toBeInstanceOf(Credentials.CredentialsError)
      if (!(error instanceof Credentials.CredentialsError)) return
      expect(error.reason).toBe("Missing")
      expect(error.file).toBe(missingFile)
      expect(error.variables).toEqual(variables)
      expect(error.message).toBe(
        `No usable AK/SK credentials (Missing): neither HUAWEICLOUD_SDK_AK nor HUAWEICLOUD_SDK_SK is set, and ${missingFile} does not exist. ` +
          `Looked at the environment variables HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_CREDENTIALS_FILE and the file ${missingFile} ` +
          `(section [basic], keys ak, sk, security_token). Set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or write both keys in that file.`
      )
    }))

  it.effect("looks at ~/.huaweicloud/credentials when HUAWEICLOUD_SDK_CREDENTIALS_FILE is not set", () =>
    Effect.gen(function*() {
      const error = yield* failureOf([["HUAWEICLOUD_SDK_AK", "AKONLY"]])
      expect(error).toMatchObject({ _tag: "CredentialsError", reason: "Incomplete", detail: "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not" })
      expect(error).toHaveProperty("file", join(process.env["HOME"] ?? "", ".huaweicloud", "credentials"))
    }))

  it.effect("reports half a key pair in the environment or the file as Incomplete", () =>
    Effect.gen(function*() {
      expect(yield* failureOf([["HUAWEICLOUD_SDK_SK", "sk"], ["HUAWEICLOUD_SDK_CREDENTIALS_FILE", missingFile]])).toMatchObject({
        reason: "Incomplete",
        detail: "HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not"
      })
      const noSk = profile("no-sk", "[basic]\nak = AKFROMFILE\nsk =\n")
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", noSk]])).toMatchObject({
        reason: "Incomplete",
        file: noSk,
        detail: `the [basic] section of ${noSk} has no sk`
      })
    }))

  it.effect("reports a file without [basic] as Missing and an unreadable one as Unreadable", () =>
    Effect.gen(function*() {
      const noBasic = profile("no-basic", "[default]\nak = A\nsk = B\n")
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", noBasic]])).toMatchObject({
        reason: "Missing",
        detail: `neither HUAWEICLOUD_SDK_AK nor HUAWEICLOUD_SDK_SK is set, and ${noBasic} has no [basic] section`
      })
      const directory = join(dir, "a-directory")
      mkdirSync(directory)
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", directory]])).toMatchObject({
        reason: "Unreadable",
        detail: `${directory} is not a regular file`
      })
    }))

  it.effect("a FIFO as the credentials file is refused at once instead of waiting for a writer", () =>
    Effect.gen(function*() {
      const fifo = join(dir, "a-fifo")
      execFileSync("mkfifo", [fifo])
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", fifo]])).toMatchObject({
        reason: "Unreadable",
        detail: `${fifo} is not a regular file`
      })
    }))

  it.effect("a credentials file larger than 64 KiB is refused", () =>
    Effect.gen(function*() {
      const big = profile("big", `[basic]\nak = A\nsk = B\n#${"x".repeat(70_000)}\n`)
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", big]])).toMatchObject({
        reason: "Unreadable",
        detail: `${big} is 70024 bytes, more than a credentials file holds (65536)`
      })
    }))

  it.effect.each<readonly [string, string, string]>([
    ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok\r\nX-Injected: 1", "a line break (CR or LF)"],
    ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok-\u2603", "a character outside Latin-1"],
    ["HUAWEICLOUD_SDK_AK", "AK\u0000", "a control character"],
    ["HUAWEICLOUD_SDK_SK", "s k", "white space"]
  ])("%s holding %j is refused when loaded, naming the variable, never the value", ([variable, value, what]) =>
    Effect.gen(function*() {
      const env = new Map([["HUAWEICLOUD_SDK_AK", "AKFROMENV"], ["HUAWEICLOUD_SDK_SK", "sk-from-env"]])
      env.set(variable, value)
      const error = yield* failureOf([...env])
      expect(error).toMatchObject({
        reason: "Invalid",
        detail: `${variable} holds ${what}, which a credential cannot hold (it is sent in an HTTP header): set it again without it`
      })
      expect(error.message).not.toContain(value)
    }))

  it.effect("a key in the credentials file holding a character outside Latin-1 is refused, naming the key and the file", () =>
    Effect.gen(function*() {
      const file = profile("bad-token", "[basic]\nak = AK\nsk = SK\nsecurity_token = t\u00e9\u4e2d\n")
      expect(yield* failureOf([["HUAWEICLOUD_SDK_CREDENTIALS_FILE", file]])).toMatchObject({
        reason: "Invalid",
        detail: `security_token in the [basic] section of ${file} holds a character outside Latin-1, which a credential cannot hold (it is sent in an HTTP header): set it again without it`
      })
    }))
})
