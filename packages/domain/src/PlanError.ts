/**
 * The one error a restore plan fails with: every issue found, each with its path into the plan.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { quote } from "./internal/show.js"

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
 * Formats a path as `restore_collections[2].collections[0].new_name` (`plan` for the plan itself);
 * a key that is not a plain word is quoted: `restore_collections[0]["my key"]`.
 *
 * @since 0.1.0
 */
export const formatPath = (path: Path): string => {
  let out = ""
  for (const segment of path) {
    out += typeof segment === "number"
      ? `[${segment}]`
      : !IDENTIFIER.test(segment)
      ? `[${quote(segment)}]`
      : out === ""
      ? segment
      : `.${segment}`
  }
  return out === "" ? "plan" : out
}

// A key written as is; any other (an unexpected key of a hostile plan: long, with spaces or
// control characters) is written quoted, cut and escaped.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

/**
 * The most issues a `PlanError` carries; the others are counted (`count`), not kept, so that one
 * bad file cannot make an error of hundreds of megabytes.
 *
 * @since 0.1.0
 */
export const MAX_ISSUES = 100

/**
 * A restore plan that cannot be sent: `issues` lists the problems found (the first `MAX_ISSUES`),
 * each with its path, and `count` says how many were found in all; the message has one line per
 * issue, `path: what is wrong`, and a last line `and N more issues` when some were left out.
 * Whatever list it is given, it keeps only the first `MAX_ISSUES` (and counts the rest).
 *
 * @since 0.1.0
 */
export class PlanError extends Schema.TaggedError<PlanError>("@dds-restore/domain/PlanError")("PlanError", {
  issues: Schema.Array(Issue),
  count: Schema.Number
}) {
  constructor(
    props: { readonly issues: ReadonlyArray<Issue>; readonly count?: number | undefined },
    disableValidation?: boolean
  ) {
    super({
      issues: props.issues.length > MAX_ISSUES ? props.issues.slice(0, MAX_ISSUES) : props.issues,
      count: Math.max(props.count ?? 0, props.issues.length)
    }, disableValidation)
  }

  /** @since 0.1.0 */
  override get message(): string {
    const lines = this.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    const more = this.count - this.issues.length
    if (more > 0) lines.push(`and ${more} more ${more === 1 ? "issue" : "issues"}`)
    return lines.join("\n")
  }
}
