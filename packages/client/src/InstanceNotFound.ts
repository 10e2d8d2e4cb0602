/**
 * The instance asked for does not exist in the configured project and region.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * No instance with this id.
 *
 * @since 0.1.0
 */
export class InstanceNotFound extends Schema.TaggedError<InstanceNotFound>("@dds-restore/client/InstanceNotFound")(
  "InstanceNotFound",
  {
    instanceId: Schema.String,
    /** `X-Request-Id` of the answer, to quote to support. */
    requestId: Schema.optionalWith(Schema.String, { exact: true })
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : ` (request id ${this.requestId})`
    return `No DDS instance ${this.instanceId} in this project${id}: ` +
      "check the instance id, and that the project id and the endpoint (region) are the instance's."
  }
}
