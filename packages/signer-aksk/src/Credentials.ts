/**
 * AK/SK credentials and where they come from: the environment variables and the profile file the
 * official Huawei Cloud SDKs read, so a user's existing set-up just works.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { readFile } from "node:fs/promises"
import { homedir } from "node:os"
import { join } from "node:path"
import { parseProfile } from "./internal/profile.js"

/**
 * An access key pair; the secret key and the security token stay `Redacted` until the HMAC call.
 *
 * @since 0.1.0
 */
export interface Credentials {
  /** The access key id (AK), sent in the clear in every `Authorization` header. */
  readonly accessKeyId: string
  /** The secret access key (SK). */
  readonly secretAccessKey: Redacted.Redacted<string>
  /** The security token of temporary credentials, sent as the signed `X-Security-Token`. */
  readonly securityToken?: Redacted.Redacted<string>
}

/**
 * The environment variables read for the access key, the secret key and the security token.
 *
 * @since 0.1.0
 */
export const variables = {
  accessKeyId: "HUAWEICLOUD_SDK_AK",
  secretAccessKey: "HUAWEICLOUD_SDK_SK",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  credentialsFile: "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
} as const

/**
 * No usable credentials were found. Names the variables and the file that were looked at, never a
 * value read from them.
 *
 * @since 0.1.0
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>("@dds-restore/signer-aksk/CredentialsError")(
  "CredentialsError",
  {
    reason: Schema.Literal("Missing", "Incomplete", "Unreadable"),
    variables: Schema.Array(Schema.String),
    file: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return (
      `No usable AK/SK credentials (${this.reason}): ${this.detail}. ` +
      `Looked at the environment variables ${this.variables.join(", ")} and the file ${this.file} ` +
      `(section [basic], keys ak, sk, security_token). Set ${variables.accessKeyId} and ${variables.secretAccessKey}, ` +
      `or write both keys in that file.`
    )
  }
}

const nonEmpty = <A>(value: Option.Option<A>, text: (a: A) => string): Option.Option<A> =>
  Option.filter(value, (a) => text(a).trim() !== "")

const environment = Config.all({
  accessKeyId: Config.option(Config.string(variables.accessKeyId)),
  secretAccessKey: Config.option(Config.redacted(variables.secretAccessKey)),
  securityToken: Config.option(Config.redacted(variables.securityToken)),
  credentialsFile: Config.option(Config.string(variables.credentialsFile))
})

const lookedAt = [variables.accessKeyId, variables.secretAccessKey, variables.securityToken, variables.credentialsFile]

const errorCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "an unknown error"

/**
 * Reads the credentials the way the official SDKs do: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`
 * (with `HUAWEICLOUD_SDK_SECURITY_TOKEN`) from `Config`; when neither is set, the `[basic]` section
 * of the file named by `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`.
 *
 * @since 0.1.0
 */
export const load: Effect.Effect<Credentials, CredentialsError | ConfigError.ConfigError> = Effect.gen(function*() {
  const env = yield* environment
  const accessKeyId = nonEmpty(env.accessKeyId, (s) => s)
  const secretAccessKey = nonEmpty(env.secretAccessKey, Redacted.value)
  const securityToken = nonEmpty(env.securityToken, Redacted.value)
  const file = Option.getOrElse(nonEmpty(env.credentialsFile, (s) => s), () => join(homedir(), ".huaweicloud", "credentials"))
  const fail = (reason: CredentialsError["reason"], detail: string) =>
    new CredentialsError({ reason, variables: lookedAt, file, detail })

  if (Option.isSome(accessKeyId) && Option.isSome(secretAccessKey)) {
    return Option.match(securityToken, {
      onNone: (): Credentials => ({ accessKeyId: accessKeyId.value, secretAccessKey: secretAccessKey.value }),
      onSome: (token): Credentials => ({
        accessKeyId: accessKeyId.value,
        secretAccessKey: secretAccessKey.value,
        securityToken: token
      })
    })
  }
  // Half a key pair in the environment is a mistake to report, not a reason to use another source.
  if (Option.isSome(accessKeyId) || Option.isSome(secretAccessKey)) {
    const [set, unset] = Option.isSome(accessKeyId)
      ? [variables.accessKeyId, variables.secretAccessKey]
      : [variables.secretAccessKey, variables.accessKeyId]
    return yield* fail("Incomplete", `${set} is set but ${unset} is not`)
  }

  const text = yield* Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      errorCode(cause) === "ENOENT"
        ? fail("Missing", `neither ${variables.accessKeyId} nor ${variables.secretAccessKey} is set, and ${file} does not exist`)
        : fail("Unreadable", `${file} could not be read (${errorCode(cause)})`)
  })
  const basic = parseProfile(text).get("basic")
  if (basic === undefined) {
    return yield* fail("Missing", `neither ${variables.accessKeyId} nor ${variables.secretAccessKey} is set, and ${file} has no [basic] section`)
  }
  const ak = basic.get("ak")
  const sk = basic.get("sk")
  if (ak === undefined || sk === undefined) {
    const missing = [ak === undefined ? "ak" : undefined, sk === undefined ? "sk" : undefined].filter((k) => k !== undefined)
    return yield* fail("Incomplete", `the [basic] section of ${file} has no ${missing.join(" and ")}`)
  }
  const token = basic.get("security_token")
  return token === undefined
    ? { accessKeyId: ak, secretAccessKey: Redacted.make(sk) }
    : { accessKeyId: ak, secretAccessKey: Redacted.make(sk), securityToken: Redacted.make(token) }
})
