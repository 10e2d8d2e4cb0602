/**
 * An answer the fake service lost on purpose: the call was carried out (a restore created its
 * job) but the caller never hears back. The in-memory transport turns it into the client's
 * `TransportError`; the emulator destroys the socket.
 *
 * @since 0.1.0
 */
import { type DdsRequest, Transport } from "@dds-restore/client"
import * as Schema from "effect/Schema"

/**
 * The answer to `method url` was lost after the service acted on it, as a timeout or a reset
 * connection.
 *
 * @since 0.1.0
 */
export class DroppedAnswer extends Schema.TaggedError<DroppedAnswer>("@dds-restore/testing/DroppedAnswer")(
  "DroppedAnswer",
  {
    reason: Schema.Literal("Timeout", "Connection"),
    method: Schema.String,
    url: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The answer to ${this.method} ${this.url} was dropped (${this.reason}) after the fake service carried the call out`
  }
}

/**
 * The `TransportError` a caller sees for a dropped answer: the request may have reached the
 * service (it did).
 *
 * @since 0.1.0
 */
export const toTransportError = (dropped: DroppedAnswer): Transport.TransportError =>
  new Transport.TransportError({
    reason: dropped.reason,
    method: dropped.method,
    url: dropped.url,
    mayHaveReachedServer: true,
    detail: dropped.reason === "Timeout"
      ? "no answer before the timeout"
      : "the connection was reset before the answer arrived"
  })

/**
 * The dropped answer of a request.
 *
 * @since 0.1.0
 */
export const make = (request: DdsRequest.DdsRequest, reason: "Timeout" | "Connection"): DroppedAnswer =>
  new DroppedAnswer({ reason, method: request.method, url: request.url })
