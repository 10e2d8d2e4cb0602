/**
 * Where the DDS API is and on whose behalf it is called: the endpoint, the project id and the
 * optional answer language, given in code (`layer`) or read through Effect `Config` (`layerConfig`)
 * with the names the official SDKs use.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { isSafeSegment, maxIdLength, quote } from "./internal/segment.js"

/**
 * A language the service writes its messages in (the `X-Language` header).
 *
 * @since 0.1.0
 */
export type Language = "en-us" | "zh-cn"

/**
 * The resolved configuration every request is built from.
 *
 * @since 0.1.0
 */
export interface Service {
  /** Absolute `http(s)` URL without a trailing `/`, query or credentials; paths are appended to it. */
  readonly endpoint: string
  /** The project every call acts in: a safe path segment of at most 64 characters (`RestoreClient.maxIdLength`). */
  readonly projectId: string
  /** Sent as `X-Language` when set. */
  readonly language?: Language
}

/**
 * The DDS endpoint and project every `RestoreClient` call uses.
 *
 * @since 0.1.0
 */
export class DdsConfig extends Context.Tag("@dds-restore/client/DdsConfig")<DdsConfig, Service>() {}

/**
 * The configuration given in code. Either `endpoint` or `region` is required; `endpoint` wins when
 * both are given.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly projectId: string
  /** An absolute URL, for a cloud other than Huawei Cloud or a local emulator. */
  readonly endpoint?: string | undefined
  /**
   * A region id such as `cn-north-4`, turned into the endpoint by `regionEndpoint`; the
   * `HUAWEICLOUD_SDK_REGION_DDS_<REGION>` override is read by `layerConfig` only, never from code.
   */
  readonly region?: string | undefined
  readonly language?: Language | undefined
}

/**
 * The name of the environment variable the official SDKs read an endpoint override for a region
 * from: `HUAWEICLOUD_SDK_REGION_DDS_<REGION>`, region upper-cased with `-` as `_`.
 *
 * @since 0.1.0
 */
export const regionOverrideVariable = (region: string): string =>
  `HUAWEICLOUD_SDK_REGION_DDS_${region.toUpperCase().replace(/-/g, "_")}`

/**
 * The public endpoint of DDS in a Huawei Cloud region (`eu-west-101` lives under `.eu`).
 *
 * @since 0.1.0
 */
export const regionEndpoint = (region: string): string =>
  region === "eu-west-101"
    ? "https://dds.eu-west-101.myhuaweicloud.eu"
    : `https://dds.${region}.myhuaweicloud.com`

const fail = (message: string) => Either.left(ConfigError.InvalidData([], message))

const projectIdAdvice = "set it to the project id shown under My Credentials > API Credentials (usually 32 hex characters)."

const parseProjectId = (value: string): Either.Either<string, ConfigError.ConfigError> =>
  value.length > maxIdLength
    ? fail(`The project id ${quote(value, 40)} is ${value.length} characters long, longer than any project id (at most ${maxIdLength}): ${projectIdAdvice}`)
    : isSafeSegment(value)
    ? Either.right(value)
    : fail(`The project id ${quote(value)} is not a safe path segment (only letters, digits, "-" and "_", not empty): ${projectIdAdvice}`)

// An endpoint as a message may show it: as it was given, less a user name, a password, a query or
// a fragment, which may hold a secret (ftp://user:PASSWORD@host, ?token=...), and cut short.
const shown = (value: string): string => {
  const url = URL.canParse(value) ? new URL(value) : undefined
  const withoutQuery = value.replace(/[?#][\s\S]*$/, "")
  const bare = url !== undefined && url.host !== ""
    ? (url.username === "" && url.password === "" ? withoutQuery : `${url.protocol}//${url.host}${url.pathname}`)
    // Not a URL with a host: everything up to the last "@" may be a user name and a password.
    : withoutQuery.replace(/^((?:[a-z][a-z0-9+.-]*:)?(?:\/\/)?)[\s\S]*@/i, "$1")
  return quote(bare, 200)
}

const parseEndpoint = (value: string): Either.Either<string, ConfigError.ConfigError> => {
  const advice = "Give an absolute URL such as https://dds.cn-north-4.myhuaweicloud.com, or a region instead."
  if (!URL.canParse(value)) return fail(`The endpoint ${shown(value)} is not an absolute URL. ${advice}`)
  const url = new URL(value)
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return fail(`The endpoint ${shown(value)} must use https (or http for a local emulator). ${advice}`)
  }
  // Credentials in a URL would end up in every log line that shows a request.
  if (url.username !== "" || url.password !== "") {
    return fail(
      `The endpoint ${shown(value)} must not carry a user name or a password (not shown here): give it without them, ` +
        "the Signer authenticates every request."
    )
  }
  if (url.search !== "" || url.hash !== "") {
    return fail(`The endpoint ${shown(value)} must not have a query or a fragment (not shown here). ${advice}`)
  }
  return Either.right(`${url.origin}${url.pathname.replace(/\/+$/, "")}`)
}

const parseRegion = (value: string): Either.Either<string, ConfigError.ConfigError> =>
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value)
    ? Either.right(value)
    : fail(`The region ${quote(value)} is not a region id: use lower-case letters, digits and "-", for example cn-north-4.`)

const parseLanguage = (value: string): Either.Either<Language, ConfigError.ConfigError> => {
  const lower = value.toLowerCase()
  return lower === "en-us" || lower === "zh-cn"
    ? Either.right(lower)
    : fail(`The language ${quote(value)} is not supported: use en-us or zh-cn, or leave it unset.`)
}

const at = (name: string) => (error: ConfigError.ConfigError) => ConfigError.prefixed(error, [name])

const service = (projectId: string, endpoint: string, language: Language | undefined): Service =>
  language === undefined ? { endpoint, projectId } : { endpoint, projectId, language }

/**
 * Checks configuration given in code; a bad value fails with a `ConfigError` at the option's name.
 *
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const projectId = yield* Effect.mapError(parseProjectId(options.projectId), at("projectId"))
    const endpoint = options.endpoint !== undefined
      ? yield* Effect.mapError(parseEndpoint(options.endpoint), at("endpoint"))
      : options.region !== undefined
      ? regionEndpoint(yield* Effect.mapError(parseRegion(options.region), at("region")))
      : yield* Effect.fail(
        ConfigError.MissingData(["endpoint"], "Give an endpoint (an absolute URL) or a region (for example cn-north-4).")
      )
    const language = options.language === undefined
      ? undefined
      : yield* Effect.mapError(parseLanguage(options.language), at("language"))
    return service(projectId, endpoint, language)
  })

/**
 * A layer providing configuration given in code.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<DdsConfig, ConfigError.ConfigError> =>
  Layer.effect(DdsConfig, make(options))

/**
 * Where `layerConfig` reads each value; every entry defaults to an environment variable.
 *
 * @since 0.1.0
 */
export interface ConfigOptions {
  /** Defaults to `HUAWEICLOUD_SDK_PROJECT_ID`. */
  readonly projectId?: Config.Config<string>
  /** Defaults to `HUAWEICLOUD_SDK_DDS_ENDPOINT`; wins over the region. */
  readonly endpoint?: Config.Config<string>
  /** Defaults to `HUAWEICLOUD_SDK_REGION`. */
  readonly region?: Config.Config<string>
  /** Defaults to `HUAWEICLOUD_SDK_DDS_LANGUAGE`. */
  readonly language?: Config.Config<string>
}

/**
 * Reads the configuration through Effect `Config` (the environment by default). The endpoint is
 * the configured one, else the region's `HUAWEICLOUD_SDK_REGION_DDS_<REGION>` override, else the
 * region's public endpoint. A missing or bad value fails with a `ConfigError` naming its variable.
 *
 * @since 0.1.0
 */
export const makeConfig = (options: ConfigOptions = {}): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const projectId = Config.mapOrFail(options.projectId ?? Config.string("HUAWEICLOUD_SDK_PROJECT_ID"), parseProjectId)
    const endpoint = Config.mapOrFail(options.endpoint ?? Config.string("HUAWEICLOUD_SDK_DDS_ENDPOINT"), parseEndpoint)
    const region = Config.mapOrFail(options.region ?? Config.string("HUAWEICLOUD_SDK_REGION"), parseRegion)
    const language = Config.option(
      Config.mapOrFail(options.language ?? Config.string("HUAWEICLOUD_SDK_DDS_LANGUAGE"), parseLanguage)
    )
    // Only a missing endpoint falls back to the region: a bad one is reported, never silently replaced.
    const located = Config.orElseIf(Config.map(endpoint, (url) => ({ url, region: Option.none<string>() })), {
      if: ConfigError.isMissingDataOnly,
      orElse: () => Config.map(region, (id) => ({ url: regionEndpoint(id), region: Option.some(id) }))
    })
    const [id, where, lang] = yield* Config.all([projectId, located, language])
    const url = yield* Option.match(where.region, {
      onNone: () => Effect.succeed(where.url),
      onSome: (name) =>
        Config.option(Config.mapOrFail(Config.string(regionOverrideVariable(name)), parseEndpoint)).pipe(
          Effect.map(Option.getOrElse(() => where.url))
        )
    })
    return service(id, url, Option.getOrUndefined(lang))
  })

/**
 * A layer reading the configuration through Effect `Config`, as `makeConfig` does.
 *
 * @since 0.1.0
 */
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<DdsConfig, ConfigError.ConfigError> =>
  Layer.effect(DdsConfig, makeConfig(options))
