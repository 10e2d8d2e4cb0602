/**
 * How a `FakeDds` decides whether a request is authenticated, after it has checked IAM tokens and
 * the signature date itself. The default only asks that a request be signed, so a test that forgot
 * to provide a `Signer` fails the way the real gateway would; the emulator plugs in real AK/SK
 * verification instead.
 *
 * @since 0.1.0
 */
import type { DdsRequest } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * The gateway refused a request as unauthenticated: answered 401 with `code` (such as
 * `APIGW.0301`) and `detail`.
 *
 * @since 0.1.0
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>("@dds-restore/testing/Unauthenticated")(
  "Unauthenticated",
  { code: Schema.String, detail: Schema.String }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `Incorrect IAM authentication information: ${this.detail}`
  }
}

/**
 * Accepts a request, or refuses it with the 401 the gateway sends.
 *
 * @since 0.1.0
 */
export type Authenticator = (request: DdsRequest.DdsRequest) => Effect.Effect<void, Unauthenticated>

/**
 * Whether a request carries an AK/SK signature: an `authorization: SDK-HMAC-SHA256 ...` header
 * and an `x-sdk-date`.
 *
 * @since 0.1.0
 */
export const isSigned = (request: DdsRequest.DdsRequest): boolean =>
  (request.headers["authorization"] ?? "").startsWith("SDK-HMAC-SHA256 ") && request.headers["x-sdk-date"] !== undefined

/**
 * Accepts any signed request without checking the signature itself; refuses an unsigned one with
 * 401 `APIGW.0301` saying that a `Signer` layer is missing.
 *
 * @since 0.1.0
 */
export const requireSignature: Authenticator = (request) =>
  isSigned(request)
    ? Effect.void
    : Effect.fail(
      new Unauthenticated({
        code: "APIGW.0301",
        detail: "request is not signed: provide a Signer layer (AK/SK or IAM token) to the client"
      })
    )

/**
 * Accepts every request: for a fake that does not check authentication at all.
 *
 * @since 0.1.0
 */
export const acceptAll: Authenticator = () => Effect.void
