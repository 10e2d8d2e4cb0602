/**
 * The `Transport` service: sends one signed request and returns the service's raw answer. The
 * HTTP layer lives in `@dds-restore/transport-http`, the in-memory one in `@dds-restore/testing`;
 * a team may provide its own.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type { DdsRequest } from "./DdsRequest.js"
import type { DdsResponse } from "./DdsResponse.js"

/**
 * A request that got no answer, or none that could be read. `mayHaveReachedServer` tells whether
 * the service may have acted on it (a timeout or a reset after the request was written, an answer
 * larger than the transport reads), which matters for a restore: such a restore is settled by
 * `reconcile`, never resent blindly. A request refused on this machine before any byte was sent
 * (`Insecure`, `InvalidUrl`, `InvalidHeader`) did not reach it. Only `Timeout` and `Connection`
 * are retried.
 *
 * @since 0.1.0
 */
export class TransportError extends Schema.TaggedError<TransportError>("@dds-restore/client/TransportError")(
  "TransportError",
  {
    reason: Schema.Literal(
      "Timeout",
      "Connection",
      "Insecure",
      "Redirect",
      "InvalidUrl",
      "InvalidHeader",
      "Aborted",
      "AnswerTooLarge"
    ),
    method: Schema.String,
    url: Schema.String,
    mayHaveReachedServer: Schema.Boolean,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const next = this.mayHaveReachedServer
      ? "The service may have received it: for a restore, look the job up (RestoreClient.reconcile) before trying again."
      : "The service did not receive it; it is safe to try again once the endpoint is reachable."
    return `${this.method} ${this.url} failed (${this.reason}): ${this.detail}. ${next}`
  }
}

/**
 * Sends one request to the service and returns its raw answer, whatever its status.
 *
 * @since 0.1.0
 */
export class Transport extends Context.Tag("@dds-restore/client/Transport")<
  Transport,
  { readonly send: (request: DdsRequest) => Effect.Effect<DdsResponse, TransportError> }
>() {}

/**
 * A `Transport` from its `send` function.
 *
 * @since 0.1.0
 */
export const make = (send: (request: DdsRequest) => Effect.Effect<DdsResponse, TransportError>): Transport["Type"] =>
  Transport.of({ send })

/**
 * A layer providing a `Transport` from its `send` function.
 *
 * @since 0.1.0
 */
export const layer = (send: (request: DdsRequest) => Effect.Effect<DdsResponse, TransportError>): Layer.Layer<Transport> =>
  Layer.succeed(Transport, make(send))
