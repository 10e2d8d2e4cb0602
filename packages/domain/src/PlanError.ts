/**
 * The one error a restore plan fails with: every issue found, each with its path into the plan.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A path into the plan, in the wire body's terms: `["restore_collections", 2, "collections", 0,
 * "new_name"]`.
 *
 * @since 0.1.0
 */
export const Path = Schema.Array(Schema.Union(Schema.String, Schema.Number))

/**
 * A path into the plan.
 *
 * @since 0.1.0
 */
export type Path = typeof Path.Type

/**
 * One thing wrong with a plan, and where.
 *
 * @since 0.1.0
 */
export const Issue = Schema.Struct({ path: Path, message: Schema.String })

/**
 * One thing wrong with a plan, and where.
 *
 * @since 0.1.0
 */
export interface Issue extends Schema.Schema.Type<typeof Issue> {}

/**
 * Formats a path as `restore_collections[2].collections[0].new_name` (`plan` for the plan itself).
 *
 * @since 0.1.0
 */
export const formatPath = (path: Path): string => {
  let out = ""
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`
  }
  return out === "" ? "plan" : out
}

/**
 * A restore plan that cannot be sent: `issues` lists every problem found, each with its path; the
 * message has one line per issue, `path: what is wrong`.
 *
 * @since 0.1.0
 */
export class PlanError extends Schema.TaggedError<PlanError>("@dds-restore/domain/PlanError")("PlanError", {
  issues: Schema.Array(Issue)
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return this.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join("\n")
  }
}
