import { describe, expect, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { DdsConfig } from "@dds-restore/client"

const project = "0123456789abcdef0123456789abcdef"

const fromEnv = (env: Record<string, string>) =>
  DdsConfig.makeConfig().pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))

const invalidAt = (error: ConfigError.ConfigError): ReadonlyArray<string> =>
  error._op === "InvalidData" ? error.path : ["not InvalidData: " + error._op]

describe("DdsConfig", () => {
  it("turns a region into its public endpoint, and eu-west-101 into its .eu host", () => {
    expect(DdsConfig.regionEndpoint("cn-north-4")).toBe("https://dds.cn-north-4.myhuaweicloud.com")
    expect(DdsConfig.regionEndpoint("ap-southeast-1")).toBe("https://dds.ap-southeast-1.myhuaweicloud.com")
    expect(DdsConfig.regionEndpoint("eu-west-101")).toBe("https://dds.eu-west-101.myhuaweicloud.eu")
  })

  it("names the SDK's endpoint override variable of a region", () => {
    expect(DdsConfig.regionOverrideVariable("cn-north-4")).toBe("HUAWEICLOUD_SDK_REGION_DDS_CN_NORTH_4")
  })

  it.effect("reads the project id and the region from Config", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: project, HUAWEICLOUD_SDK_REGION: "af-south-1" })
      expect(config).toStrictEqual({ projectId: project, endpoint: "https://dds.af-south-1.myhuaweicloud.com" })
    }))

  it.effect("uses the HUAWEICLOUD_SDK_REGION_DDS_<REGION> override of the region's endpoint", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({
        HUAWEICLOUD_SDK_PROJECT_ID: project,
        HUAWEICLOUD_SDK_REGION: "eu-west-101",
        HUAWEICLOUD_SDK_REGION_DDS_EU_WEST_101: "https://dds.internal.example.com/"
      })
      expect(config.endpoint).toBe("https://dds.internal.example.com")
    }))

  it.effect("an explicit endpoint wins over the region, and the language is read", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({
        HUAWEICLOUD_SDK_PROJECT_ID: project,
        HUAWEICLOUD_SDK_REGION: "cn-north-4",
        HUAWEICLOUD_SDK_DDS_ENDPOINT: "https://dds.eu-de.otc.t-systems.com",
        HUAWEICLOUD_SDK_DDS_LANGUAGE: "zh-CN"
      })
      expect(config).toStrictEqual({
        projectId: project,
        endpoint: "https://dds.eu-de.otc.t-systems.com",
        language: "zh-cn"
      })
    }))

  it.effect("a project id that is not a safe path segment is refused, naming the variable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: "../admin", HUAWEICLOUD_SDK_REGION: "cn-north-4" }))
      expect(invalidAt(error)).toStrictEqual(["HUAWEICLOUD_SDK_PROJECT_ID"])
      expect(error.toString()).toContain("HUAWEICLOUD_SDK_PROJECT_ID")
      expect(error.toString()).toContain("not a safe path segment")
    }))

  it.effect("a project id longer than 64 characters is refused, naming the variable and the length, quoting its first 40; 64 are taken", () =>
    Effect.gen(function*() {
      const long = "a".repeat(1_000_000)
      const error = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: long, HUAWEICLOUD_SDK_REGION: "cn-north-4" }))
      expect(error._op === "InvalidData" && [error.path, error.message]).toStrictEqual([
        ["HUAWEICLOUD_SDK_PROJECT_ID"],
        `The project id "${"a".repeat(40)}…" is 1000000 characters long, longer than any project id (at most 64): ` +
        "set it to the project id shown under My Credentials > API Credentials (usually 32 hex characters)."
      ])
      const inCode = yield* Effect.flip(DdsConfig.make({ projectId: "b".repeat(65), region: "cn-north-4" }))
      expect(invalidAt(inCode)).toStrictEqual(["projectId"])
      expect(inCode.toString()).toContain(`"${"b".repeat(40)}…" is 65 characters long`)
      const atBound = "c".repeat(64)
      expect((yield* DdsConfig.make({ projectId: atBound, region: "cn-north-4" })).projectId).toBe(atBound)
      expect((yield* fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: atBound, HUAWEICLOUD_SDK_REGION: "cn-north-4" })).projectId).toBe(atBound)
    }))

  it.effect("a missing project id is reported as missing at its variable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_REGION: "cn-north-4" }))
      expect(error._op).toBe("MissingData")
      expect(error.toString()).toContain("HUAWEICLOUD_SDK_PROJECT_ID")
    }))

  it.effect("a bad endpoint is refused, not silently replaced by the region", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({
        HUAWEICLOUD_SDK_PROJECT_ID: project,
        HUAWEICLOUD_SDK_REGION: "cn-north-4",
        HUAWEICLOUD_SDK_DDS_ENDPOINT: "dds.cn-north-4.myhuaweicloud.com"
      }))
      expect(invalidAt(error)).toStrictEqual(["HUAWEICLOUD_SDK_DDS_ENDPOINT"])
      expect(error.toString()).toContain("not an absolute URL")
    }))

  it.effect.each<readonly [string, string]>([
    ["ftp://user:PASSWORD@dds.example.com/x?token=SECRET", `The endpoint "ftp://dds.example.com/x" must use https`],
    ["https://dds.example.com/?token=SECRET#SECRET", `The endpoint "https://dds.example.com/" must not have a query or a fragment (not shown here)`],
    ["user:PASSWORD@dds example?token=SECRET", `The endpoint "user:dds example" must use https`],
    ["//user:PASSWORD@host?token=SECRET", `The endpoint "//host" is not an absolute URL`],
    ["x://user:PASSWORD@host /?token=SECRET", `The endpoint "x://host /" is not an absolute URL`],
    [
      "https://user:PASSWORD@dds.example.com/x?token=SECRET",
      `The endpoint "https://dds.example.com/x" must not carry a user name or a password (not shown here): give it without them`
    ],
    // Without credentials, the endpoint is shown as it was given (less its query), not as URL normalises it.
    ["ftp://dds.example.com?token=SECRET", `The endpoint "ftp://dds.example.com" must use https`]
  ])("an endpoint %s is shown in its error without user name, password or query", ([endpoint, shown]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: project, HUAWEICLOUD_SDK_DDS_ENDPOINT: endpoint }))
      expect(error.toString()).toContain(shown)
      expect(error.toString()).not.toContain("SECRET")
      expect(error.toString()).not.toContain("PASSWORD")
    }))

  it.effect("neither endpoint nor region: both variables are named", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: project }))
      expect(error.toString()).toContain("HUAWEICLOUD_SDK_DDS_ENDPOINT")
      expect(error.toString()).toContain("HUAWEICLOUD_SDK_REGION")
    }))

  it.effect("a bad region, language or override is refused at its variable", () =>
    Effect.gen(function*() {
      const region = yield* Effect.flip(fromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: project, HUAWEICLOUD_SDK_REGION: "CN North" }))
      // The region is read only because the endpoint is missing, so both are reported.
      expect(region.toString()).toContain(`Invalid data at HUAWEICLOUD_SDK_REGION: "The region "CN North" is not a region id`)
      expect(region.toString()).toContain("Missing data at HUAWEICLOUD_SDK_DDS_ENDPOINT")
      const language = yield* Effect.flip(fromEnv({
        HUAWEICLOUD_SDK_PROJECT_ID: project,
        HUAWEICLOUD_SDK_REGION: "cn-north-4",
        HUAWEICLOUD_SDK_DDS_LANGUAGE: "fr-fr"
      }))
      expect(invalidAt(language)).toStrictEqual(["HUAWEICLOUD_SDK_DDS_LANGUAGE"])
      const override = yield* Effect.flip(fromEnv({
        HUAWEICLOUD_SDK_PROJECT_ID: project,
        HUAWEICLOUD_SDK_REGION: "cn-north-4",
        HUAWEICLOUD_SDK_REGION_DDS_CN_NORTH_4: "https://user:pass@dds.example.com"
      }))
      expect(invalidAt(override)).toStrictEqual(["HUAWEICLOUD_SDK_REGION_DDS_CN_NORTH_4"])
      expect(override.toString()).not.toContain("pass@")
    }))

  it.effect("configuration in code is checked the same way, errors at the option's name", () =>
    Effect.gen(function*() {
      expect(yield* DdsConfig.make({ projectId: project, region: "eu-west-101", language: "en-us" })).toStrictEqual({
        projectId: project,
        endpoint: "https://dds.eu-west-101.myhuaweicloud.eu",
        language: "en-us"
      })
      expect(yield* DdsConfig.make({ projectId: project, endpoint: "http://127.0.0.1:8080/" })).toStrictEqual({
        projectId: project,
        endpoint: "http://127.0.0.1:8080"
      })
      const bad = yield* Effect.flip(DdsConfig.make({ projectId: "a/b", region: "cn-north-4" }))
      expect(invalidAt(bad)).toStrictEqual(["projectId"])
      const query = yield* Effect.flip(DdsConfig.make({ projectId: project, endpoint: "https://dds.example.com/?x=1" }))
      expect(invalidAt(query)).toStrictEqual(["endpoint"])
      const none = yield* Effect.either(DdsConfig.make({ projectId: project }))
      expect(Either.isLeft(none) && none.left._op).toBe("MissingData")
    }))

  it.effect("layerConfig provides the tag", () =>
    Effect.gen(function*() {
      const config = yield* DdsConfig.DdsConfig
      expect(config.endpoint).toBe("https://dds.cn-north-4.myhuaweicloud.com")
    }).pipe(
      Effect.provide(DdsConfig.layerConfig()),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["HUAWEICLOUD_SDK_PROJECT_ID", project], ["HUAWEICLOUD_SDK_REGION", "cn-north-4"]]))
      )
    ))
})
