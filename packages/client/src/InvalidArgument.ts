/**
 * An argument given to `RestoreClient` that is not an id but is still wrong before anything is
 * sent: a day that is not `YYYY-MM-DD`, a time span the service refuses.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * An argument refused before any request is built.
 *
 * @since 0.1.0
 */
export class InvalidArgument extends Schema.TaggedError<InvalidArgument>("@dds-restore/client/InvalidArgument")(
  "InvalidArgument",
  {
    /** The `RestoreClient` operation that was called. */
    operation: Schema.String,
    /** Which argument: `day`, `at`, `from`, `to`. */
    argument: Schema.String,
    /** What was wrong and what is expected. */
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.operation}: ${this.argument} ${this.reason}`
  }
}
