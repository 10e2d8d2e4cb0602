/**
 * The `TokenProvider` service: the current IAM token, obtained with a user's password through the
 * client's `Transport`, cached, and renewed shortly before it expires with a single IAM call
 * however many fibers need it at once.
 *
 * @since 0.1.0
 */
import { Signer, Transport } from "@dds-restore/client"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Iam from "./internal/iam.js"

/**
 * Gives the current IAM token, obtaining or renewing it as needed.
 *
 * @since 0.1.0
 */
export class TokenProvider extends Context.Tag("@dds-restore/signer-iam-token/TokenProvider")<
  TokenProvider,
  {
    /** The current valid token, obtained from IAM when there is none or it is about to expire. */
    readonly token: Effect.Effect<Redacted.Redacted<string>, Signer.SignerError>
    /** Drops this token if it is still the cached one, so that the next `token` obtains a new one. */
    readonly invalidate: (token: Redacted.Redacted<string>) => Effect.Effect<void>
  }
>() {}

/**
 * The project a token is scoped to: by name (the region, e.g. `cn-north-4`) or by id.
 *
 * @since 0.1.0
 */
export type ProjectScope = { readonly name: string } | { readonly id: string }

/**
 * How to obtain tokens from IAM.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The IAM endpoint, an absolute URL such as `https://iam.cn-north-4.myhuaweicloud.com`. */
  readonly endpoint: string
  /** The IAM user's name. */
  readonly userName: string
  /** The name of the account (domain) the user belongs to. */
  readonly domainName: string
  /** The IAM user's password. */
  readonly password: Redacted.Redacted<string>
  /** The project the token is scoped to. */
  readonly project: ProjectScope
  /** How long before `expires_at` the token is renewed; 15 minutes when not given. */
  readonly renewalMargin?: Duration.DurationInput
  /**
   * How a throttled (429), failing (5xx) or unreachable IAM is retried: `times` more attempts
   * (3 when not given), waiting `delay` (1 second when not given), doubled each time, with jitter.
   */
  readonly retry?: { readonly times?: number; readonly delay?: Duration.DurationInput }
}

interface Cached extends Iam.Issued {
  readonly renewAt: number
}

type Renewal = Either.Either<Redacted.Redacted<string>, Signer.SignerError>

interface State {
  readonly cached: Option.Option<Cached>
  /** How many IAM attempts (each with its retries) have finished. */
  readonly attempts: number
  /** Why the last attempt failed, shared with the callers that waited for it. */
  readonly failure: Option.Option<Signer.SignerError>
}

const missing = (what: string, variable: string): Signer.SignerError =>
  new Signer.SignerError({
    reason: "MissingCredentials",
    detail: `No IAM ${what} was given: set it in the options or in ${variable}.`
  })

const tokensUrlOf = (endpoint: string): Either.Either<string, Signer.SignerError> => {
  const invalid = (why: string) =>
    Either.left(
      new Signer.SignerError({
        reason: "TokenUnavailable",
        detail: `The IAM endpoint "${endpoint}" ${why}: give an absolute URL such as https://iam.cn-north-4.myhuaweicloud.com (HUAWEICLOUD_SDK_IAM_ENDPOINT).`
      })
    )
  if (!URL.canParse(endpoint)) return invalid("is not an absolute URL")
  const url = new URL(endpoint)
  if (url.protocol !== "https:" && url.protocol !== "http:") return invalid("is not an http(s) URL")
  if (url.search !== "" || url.hash !== "") return invalid("has a query or a fragment")
  return Either.right(`${url.origin}${url.pathname.replace(/\/+$/, "")}/v3/auth/tokens`)
}

/**
 * A `TokenProvider` that asks IAM for tokens through the `Transport` (unsigned: the password is
 * the credential). Fails when the options cannot work (no user, no password, no usable endpoint).
 *
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<TokenProvider["Type"], Signer.SignerError, Transport.Transport> =>
  Effect.gen(function*() {
    if (options.userName.length === 0) return yield* missing("user name", "HUAWEICLOUD_SDK_IAM_USER")
    if (options.domainName.length === 0) return yield* missing("domain name", "HUAWEICLOUD_SDK_IAM_DOMAIN")
    if (Redacted.value(options.password).length === 0) return yield* missing("password", "HUAWEICLOUD_SDK_IAM_PASSWORD")
    const scopeValue = "id" in options.project ? options.project.id : options.project.name
    if (scopeValue.length === 0) return yield* missing("project", "HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_SDK_REGION")
    const identity: Iam.Identity = {
      tokensUrl: yield* tokensUrlOf(options.endpoint),
      userName: options.userName,
      domainName: options.domainName,
      password: options.password,
      project: options.project
    }
    const transport = yield* Transport.Transport
    const margin = Duration.toMillis(options.renewalMargin ?? Duration.minutes(15))
    const retries = options.retry?.times ?? 3
    const delay = options.retry?.delay ?? Duration.seconds(1)
    const annotations = { iamUrl: identity.tokensUrl, iamUser: identity.userName, iamDomain: identity.domainName }

    const attempt: Effect.Effect<Iam.Issued, Iam.AttemptFailure> = transport.send(Iam.passwordRequest(identity)).pipe(
      Effect.mapError((error) =>
        new Iam.AttemptFailure({
          reason: "TokenUnavailable",
          retryable: true,
          what: `IAM at ${identity.tokensUrl} could not be reached (${error.reason}: ${error.detail})`,
          next: "Check the IAM endpoint (HUAWEICLOUD_SDK_IAM_ENDPOINT) and the network."
        })
      ),
      Effect.flatMap((response) => Iam.interpret(identity, response))
    )

    const obtain: Effect.Effect<Cached, Signer.SignerError> = attempt.pipe(
      Effect.tapError((failure) =>
        failure.retryable ? Effect.logWarning(`Obtaining an IAM token failed: ${failure.what}`) : Effect.void
      ),
      Effect.retry({
        times: retries,
        schedule: Schedule.exponential(delay).pipe(Schedule.jittered),
        while: (failure) => failure.retryable
      }),
      Effect.mapError((failure) =>
        new Signer.SignerError({
          reason: failure.reason,
          detail: `${failure.what}${failure.retryable ? ` after ${retries + 1} attempts` : ""}. ${failure.next}`
        })
      ),
      Effect.flatMap((issued) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          if (issued.expiresAt <= now) {
            return yield* new Signer.SignerError({
              reason: "TokenUnavailable",
              detail: `IAM at ${identity.tokensUrl} issued a token that expires at ${iso(issued.expiresAt)}, not after this machine's clock (${iso(now)}). Check the clock of this machine.`
            })
          }
          // A token that lives less than the margin is still used for half of its life rather
          // than renewed on every request.
          const renewAt = Math.max(issued.expiresAt - margin, now + (issued.expiresAt - now) / 2)
          yield* Effect.logDebug(`Obtained an IAM token that expires at ${iso(issued.expiresAt)}`)
          return { ...issued, renewAt }
        })
      ),
      Effect.annotateLogs(annotations)
    )

    const state = yield* SynchronizedRef.make<State>({ cached: Option.none(), attempts: 0, failure: Option.none() })
    const fresh = (cached: Option.Option<Cached>, now: number) => Option.filter(cached, (c) => now < c.renewAt)

    // Renewal runs under the ref's lock, so concurrent callers wait for the one IAM call in
    // flight and then share its outcome: its token, or its failure (a caller that saw no attempt
    // finish while it waited makes the next one). The unlocked read keeps the common case cheap.
    const renew = (seen: State) =>
      SynchronizedRef.modifyEffect(state, (current): Effect.Effect<readonly [Renewal, State]> =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const valid = fresh(current.cached, now)
          if (Option.isSome(valid)) return [Either.right(valid.value.token), current] as const
          if (current.attempts !== seen.attempts && Option.isSome(current.failure)) {
            return [Either.left(current.failure.value), current] as const
          }
          const attempts = current.attempts + 1
          const renewed = yield* Effect.either(obtain)
          if (Either.isRight(renewed)) {
            return [Either.right(renewed.right.token), { cached: Option.some(renewed.right), attempts, failure: Option.none() }] as const
          }
          // IAM failing inside the margin does not fail requests while the old token still
          // works; renewal is tried again a minute later rather than on every request.
          const failedAt = yield* Clock.currentTimeMillis
          const stillValid = Option.filter(current.cached, (c) => failedAt < c.expiresAt)
          if (Option.isNone(stillValid)) {
            return [Either.left(renewed.left), { cached: Option.none(), attempts, failure: Option.some(renewed.left) }] as const
          }
          yield* Effect.logWarning(
            `Renewing the IAM token failed; the current one is used until it expires at ${iso(stillValid.value.expiresAt)}: ${renewed.left.detail}`
          ).pipe(Effect.annotateLogs(annotations))
          const postponed = { ...stillValid.value, renewAt: Math.min(failedAt + 60_000, stillValid.value.expiresAt) }
          return [Either.right(postponed.token), { cached: Option.some(postponed), attempts, failure: Option.none() }] as const
        })
      ).pipe(Effect.flatMap((renewal) => renewal))

    const token = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const seen = yield* SynchronizedRef.get(state)
      const current = fresh(seen.cached, now)
      return Option.isSome(current) ? current.value.token : yield* renew(seen)
    })

    const invalidate = (dropped: Redacted.Redacted<string>) =>
      SynchronizedRef.update(state, (current) => ({
        ...current,
        cached: Option.filter(current.cached, (c) => Redacted.value(c.token) !== Redacted.value(dropped))
      }))

    return TokenProvider.of({ token, invalidate })
  })

const iso = (millis: number): string => DateTime.formatIso(DateTime.unsafeMake(millis))

/**
 * A layer providing a `TokenProvider` from its options; IAM is reached through the `Transport`.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<TokenProvider, Signer.SignerError, Transport.Transport> =>
  Layer.effect(TokenProvider, make(options))

const missingOnly = { if: ConfigError.isMissingDataOnly } as const

/**
 * The options read from the environment names of the official SDKs: `HUAWEICLOUD_SDK_IAM_ENDPOINT`
 * (else `https://iam.{HUAWEICLOUD_SDK_REGION}.myhuaweicloud.com`), `HUAWEICLOUD_SDK_IAM_USER`,
 * `HUAWEICLOUD_SDK_IAM_DOMAIN`, `HUAWEICLOUD_SDK_IAM_PASSWORD`, and the project scope
 * `HUAWEICLOUD_SDK_PROJECT_ID` (else the project named after `HUAWEICLOUD_SDK_REGION`).
 *
 * @since 0.1.0
 */
export const config: Config.Config<Options> = Config.all({
  endpoint: Config.map(Config.url("HUAWEICLOUD_SDK_IAM_ENDPOINT"), (url) => url.href).pipe(
    Config.orElseIf({
      ...missingOnly,
      orElse: () =>
        Config.map(Config.nonEmptyString("HUAWEICLOUD_SDK_REGION"), (region) => `https://iam.${region}.myhuaweicloud.com`)
    })
  ),
  userName: Config.nonEmptyString("HUAWEICLOUD_SDK_IAM_USER"),
  domainName: Config.nonEmptyString("HUAWEICLOUD_SDK_IAM_DOMAIN"),
  password: Config.redacted("HUAWEICLOUD_SDK_IAM_PASSWORD"),
  project: Config.map(Config.nonEmptyString("HUAWEICLOUD_SDK_PROJECT_ID"), (id): ProjectScope => ({ id })).pipe(
    Config.orElseIf({
      ...missingOnly,
      orElse: () => Config.map(Config.nonEmptyString("HUAWEICLOUD_SDK_REGION"), (name): ProjectScope => ({ name }))
    })
  )
})

/**
 * A layer providing a `TokenProvider` from `Config`, by default the environment names of `config`.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<TokenProvider, ConfigError.ConfigError | Signer.SignerError, Transport.Transport> =>
  Layer.effect(TokenProvider, Effect.flatMap(options, make))
