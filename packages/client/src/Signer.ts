/**
 * The `Signer` service: turns a request into the signed request that is sent. AK/SK signing lives
 * in `@dds-restore/signer-aksk`, IAM tokens in `@dds-restore/signer-iam-token`; a team may provide
 * its own. The client signs every attempt afresh, just before sending it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type { DdsRequest } from "./DdsRequest.js"

/**
 * A request could not be signed (missing or unusable credentials, a token that could not be
 * obtained). Never carries a secret.
 *
 * @since 0.1.0
 */
export class SignerError extends Schema.TaggedError<SignerError>("@dds-restore/client/SignerError")("SignerError", {
  reason: Schema.Literal("MissingCredentials", "InvalidCredentials", "TokenUnavailable", "InvalidRequest"),
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The request could not be signed (${this.reason}): ${this.detail}`
  }
}

/**
 * Signs one request: returns the request with the headers that authenticate it.
 *
 * @since 0.1.0
 */
export class Signer extends Context.Tag("@dds-restore/client/Signer")<
  Signer,
  {
    readonly sign: (request: DdsRequest) => Effect.Effect<DdsRequest, SignerError>
    /**
     * Called when the service refused a request signed by this signer as unauthenticated (401),
     * so that a signer with a cached credential (an IAM token) can drop it. Returns whether the
     * request should be signed again and resent once.
     */
    readonly invalidate?: (request: DdsRequest) => Effect.Effect<boolean>
  }
>() {}

/**
 * A `Signer` from its `sign` function.
 *
 * @since 0.1.0
 */
export const make = (sign: (request: DdsRequest) => Effect.Effect<DdsRequest, SignerError>): Signer["Type"] =>
  Signer.of({ sign })

/**
 * A layer providing a `Signer` from its `sign` function.
 *
 * @since 0.1.0
 */
export const layer = (sign: (request: DdsRequest) => Effect.Effect<DdsRequest, SignerError>): Layer.Layer<Signer> =>
  Layer.succeed(Signer, make(sign))

/**
 * A signer that leaves requests as they are, for services that need no authentication (a local
 * fake that does not check). Never use it against the real service.
 *
 * @since 0.1.0
 */
export const layerUnsigned: Layer.Layer<Signer> = layer(Effect.succeed)
