/**
 * An id given to `RestoreClient` cannot be placed in a URL path. Raised before any request is
 * built, so nothing reaches the service.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * An id that is not a safe path segment (only letters, digits, `-` and `_`, not empty).
 *
 * @since 0.1.0
 */
export class InvalidIdentifier extends Schema.TaggedError<InvalidIdentifier>("@dds-restore/client/InvalidIdentifier")(
  "InvalidIdentifier",
  {
    /** The `RestoreClient` operation that was called. */
    operation: Schema.String,
    /** Which argument: `instanceId`, `jobId`. */
    argument: Schema.String,
    /** The refused value, quoted and cut short. */
    value: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.operation}: ${this.argument} ${this.value} is not a valid id (only letters, digits, "-" and "_", not empty). ` +
      "Pass the id exactly as the console or the API shows it (an instance id looks like 9136fd2a9fcd405ea4674276ce36dae8in02)."
  }
}
