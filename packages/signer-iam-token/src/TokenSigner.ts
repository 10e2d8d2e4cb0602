/**
 * A `Signer` that authenticates requests with an IAM token in `X-Auth-Token` (no signature), and
 * drops a token the service refused so that the client obtains a new one and resends once.
 *
 * @since 0.1.0
 */
import { DdsRequest, Signer, type Transport } from "@dds-restore/client"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TokenProvider from "./TokenProvider.js"

/**
 * A `Signer` over the `TokenProvider`: `sign` sets `x-auth-token` to the current token;
 * `invalidate` drops the token a refused request carried and asks for one resend.
 *
 * @since 0.1.0
 */
export const make: Effect.Effect<Required<Signer.Signer["Type"]>, never, TokenProvider.TokenProvider> = Effect.gen(function*() {
  const provider = yield* TokenProvider.TokenProvider
  return {
    sign: (request) =>
      Effect.map(provider.token, (token) => DdsRequest.setHeaders(request, { "x-auth-token": Redacted.value(token) })),
    // A 401 is refused at the gateway before any work is done, so one resend with a new token is
    // safe even for a restore.
    invalidate: (request) => {
      const carried = request.headers["x-auth-token"]
      return carried === undefined ? Effect.succeed(true) : Effect.as(provider.invalidate(Redacted.make(carried)), true)
    }
  }
})

/**
 * A layer providing the token `Signer` over a `TokenProvider`.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Signer.Signer, never, TokenProvider.TokenProvider> = Layer.effect(Signer.Signer, make)

/**
 * A layer providing the token `Signer` with a `TokenProvider` read from `Config` (by default the
 * environment names of `TokenProvider.config`); IAM is reached through the `Transport`.
 *
 * @since 0.1.0
 */
export const layerFromConfig = (
  options: Config.Config<TokenProvider.Options> = TokenProvider.config
): Layer.Layer<Signer.Signer, ConfigError.ConfigError | Signer.SignerError, Transport.Transport> =>
  Layer.provide(layer, TokenProvider.layerConfig(options))
