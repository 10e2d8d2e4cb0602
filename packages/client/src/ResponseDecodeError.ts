/**
 * The service answered, but not in the shape its reference describes: a body that is not JSON, or
 * JSON that does not match the call's schema. Usually a proxy in the way or a change of the API.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * An answer that could not be read.
 *
 * @since 0.1.0
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>(
  "@dds-restore/client/ResponseDecodeError"
)("ResponseDecodeError", {
  /** HTTP status of the answer. */
  status: Schema.Number,
  /** `X-Request-Id` of the answer, to quote to support. */
  requestId: Schema.optionalWith(Schema.String, { exact: true }),
  /** The `RestoreClient` operation that was called. */
  operation: Schema.String,
  /** What did not match, kept short (the first issue, with its path). */
  issue: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : ` (request id ${this.requestId})`
    return `${this.operation}: the answer (HTTP ${this.status})${id} could not be read: ${this.issue}. ` +
      "Check that the endpoint is the DDS API and not a proxy or a login page; if it is, report the request id."
  }
}
