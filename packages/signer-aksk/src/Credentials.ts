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
import { constants } from "node:fs"
import { open } from "node:fs/promises"
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
    reason: Schema.Literal("Missing", "Incomplete", "Unreadable", "Invalid"),
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

// A key and a token travel in headers (the token as X-Security-Token, the key id in Authorization),
// which carry visible Latin-1 only: a pasted line break or a character beyond Latin-1 would make
// every request fail on this machine, or worse, inject a header. Refused when read.
const UNSENDABLE = /[^\u0021-\u007e\u00a0-\u00ff]/

const describeUnsendable = (value: string): string | undefined => {
  const found = UNSENDABLE.exec(value)?.[0]
  if (found === undefined) return undefined
  return found === "\r" || found === "\n"
    ? "a line break (CR or LF)"
    : found === " " || found === "\t"
    ? "white space"
    : found.charCodeAt(0) < 0x20 || (found.charCodeAt(0) >= 0x7f && found.charCodeAt(0) < 0xa0)
    ? "a control character"
    : "a character outside Latin-1"
}

// The most a credentials file may hold: a few keys, not a disk image.
const MAX_FILE_BYTES = 64 * 1024

// Opens without blocking (a FIFO would wait for a writer forever), refuses anything but a regular
// file of a sane size, and reads it.
const readRegularFile = async (file: string): Promise<string | { readonly refused: string }> => {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) return { refused: `${file} is not a regular file` }
    if (stats.size > MAX_FILE_BYTES) return { refused: `${file} is ${stats.size} bytes, more than a credentials file holds (${MAX_FILE_BYTES})` }
    return await handle.readFile("utf8")
  } finally {
    await handle.close()
  }
}

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

  // Names where a credential came from, never its value.
  const checked = (entries: ReadonlyArray<readonly [string, string | undefined]>) =>
    Effect.forEach(entries, ([where, value]) => {
      const what = value === undefined ? undefined : describeUnsendable(value)
      return what === undefined
        ? Effect.void
        : Effect.fail(fail("Invalid", `${where} holds ${what}, which a credential cannot hold (it is sent in an HTTP header): set it again without it`))
    }, { discard: true })

  if (Option.isSome(accessKeyId) && Option.isSome(secretAccessKey)) {
    yield* checked([
      [variables.accessKeyId, accessKeyId.value],
      [variables.secretAccessKey, Redacted.value(secretAccessKey.value)],
      [variables.securityToken, Option.getOrUndefined(Option.map(securityToken, Redacted.value))]
    ])
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

  const read = yield* Effect.tryPromise({
    try: () => readRegularFile(file),
    catch: (cause) =>
      errorCode(cause) === "ENOENT"
        ? fail("Missing", `neither ${variables.accessKeyId} nor ${variables.secretAccessKey} is set, and ${file} does not exist`)
        : fail("Unreadable", `${file} could not be read (${errorCode(cause)})`)
  })
  if (typeof read !== "string") return yield* fail("Unreadable", read.refused)
  const text = read
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
  yield* checked([
    [`ak in the [basic] section of ${file}`, ak],
    [`sk in the [basic] section of ${file}`, sk],
    [`security_token in the [basic] section of ${file}`, token]
  ])
  return token === undefined
    ? { accessKeyId: ak, secretAccessKey: Redacted.make(sk) }
    : { accessKeyId: ak, secretAccessKey: Redacted.make(sk), securityToken: Redacted.make(token) }
})
