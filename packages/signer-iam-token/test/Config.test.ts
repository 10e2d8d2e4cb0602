import { Signer, Transport } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { TokenSigner } from "@dds-restore/signer-iam-token"
import * as FakeIam from "./fixtures/FakeIam.js"

const signWith = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const fake = yield* FakeIam.make()
    const signed = yield* Signer.Signer.pipe(
      Effect.flatMap((signer) => signer.sign(fake.serviceRequest)),
      Effect.provide(TokenSigner.layerFromConfig()),
      Effect.provideService(Transport.Transport, fake.transport),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
    return { fake, signed }
  })

const base = {
  HUAWEICLOUD_SDK_IAM_USER: "restore-bot",
  HUAWEICLOUD_SDK_IAM_DOMAIN: "acme",
  HUAWEICLOUD_SDK_IAM_PASSWORD: FakeIam.password
}

// The names a ConfigError says are missing, in order.
const missingNames = (error: ConfigError.ConfigError): Array<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...missingNames(error.left), ...missingNames(error.right)]
    case "MissingData":
      return [error.path.join(".")]
    default:
      return []
  }
}

describe("TokenProvider.config", () => {
  it.effect("with the region only, IAM's endpoint and the project scope both come from HUAWEICLOUD_SDK_REGION", () =>
    Effect.gen(function*() {
      const { fake, signed } = yield* signWith({ ...base, HUAWEICLOUD_SDK_REGION: "cn-north-4" })
      const [request] = yield* fake.iamRequests
      expect(request?.url).toBe("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens")
      expect(JSON.parse(request?.body ?? "")).toStrictEqual(FakeIam.passwordRequest({ name: "cn-north-4" }))
      expect(signed.headers["x-auth-token"]).toBe((yield* fake.issued)[0])
    }))

  it.effect("HUAWEICLOUD_SDK_PROJECT_ID scopes the token by id, HUAWEICLOUD_SDK_IAM_ENDPOINT names IAM", () =>
    Effect.gen(function*() {
      const { fake } = yield* signWith({
        ...base,
        HUAWEICLOUD_SDK_IAM_ENDPOINT: FakeIam.iamEndpoint,
        HUAWEICLOUD_SDK_PROJECT_ID: "0123456789abcdef0123456789abcdef",
        HUAWEICLOUD_SDK_REGION: "ap-southeast-1"
      })
      const [request] = yield* fake.iamRequests
      expect(request?.url).toBe("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens")
      expect(JSON.parse(request?.body ?? "")).toMatchObject({
        auth: { scope: { project: { id: "0123456789abcdef0123456789abcdef" } } }
      })
    }))

  it.effect("with nothing set, the error names every missing variable", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(signWith({}))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result) && ConfigError.isConfigError(result.left)) {
        expect(missingNames(result.left)).toStrictEqual([
          "HUAWEICLOUD_SDK_IAM_ENDPOINT",
          "HUAWEICLOUD_SDK_REGION",
          "HUAWEICLOUD_SDK_IAM_USER",
          "HUAWEICLOUD_SDK_IAM_DOMAIN",
          "HUAWEICLOUD_SDK_IAM_PASSWORD",
          "HUAWEICLOUD_SDK_PROJECT_ID",
          "HUAWEICLOUD_SDK_REGION"
        ])
      } else {
        expect.fail(`expected a ConfigError, got ${String(result)}`)
      }
    }))

  it.effect("an endpoint that is not a URL is reported, not replaced by the one derived from the region", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        signWith({ ...base, HUAWEICLOUD_SDK_REGION: "cn-north-4", HUAWEICLOUD_SDK_IAM_ENDPOINT: "iam.example" })
      )
      expect(Either.isLeft(result) && ConfigError.isConfigError(result.left) ? result.left._op : undefined).toBe(
        "InvalidData"
      )
      expect(Either.isLeft(result) ? String(result.left) : "").toBe(
        `(Invalid data at HUAWEICLOUD_SDK_IAM_ENDPOINT: "Expected an URL value but received "iam.example"")`
      )
    }))
})
