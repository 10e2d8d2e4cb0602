/**
 * Reading a plan file: its text, its relative times resolved against now, then the domain's
 * decoding with every rule that needs no service (names, duplicates, lengths, not in the future).
 *
 * @since 0.1.0
 */
import { PlanError, RestorePlan } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs/promises"
import * as RelativeTime from "./RelativeTime.js"

/**
 * The plan file could not be read at all (missing, a directory, no permission).
 *
 * @since 0.1.0
 */
export class PlanFileError extends Schema.TaggedError<PlanFileError>("@dds-restore/demo/PlanFileError")("PlanFileError", {
  file: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The plan file ${this.file} could not be read: ${this.detail}. Check the path (relative to the current directory).`
  }
}

const errorCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "unknown error"

/**
 * Reads a plan from a file's text at `now` (epoch ms): relative times resolved, every issue (those
 * of relative times included) in one `PlanError`.
 *
 * @since 0.1.0
 */
export const parse = (text: string, now: number): Effect.Effect<RestorePlan.RestorePlan, PlanError.PlanError> =>
  Effect.suspend(() => {
    let content: unknown
    try {
      content = JSON.parse(text)
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : "unknown error"
      return Effect.fail(new PlanError.PlanError({ issues: [{ path: [], message: `the plan is not valid JSON: ${detail}` }] }))
    }
    const resolved = RelativeTime.resolve(content, now)
    const unread = new Set(resolved.issues.map((issue) => PlanError.formatPath(issue.path)))
    return RestorePlan.decode(resolved.input, { now }).pipe(
      // A relative time that could not be read is reported once, in the command line's words.
      Effect.mapError((error) =>
        new PlanError.PlanError({
          issues: [...resolved.issues, ...error.issues.filter((issue) => !unread.has(PlanError.formatPath(issue.path)))]
        })
      ),
      Effect.filterOrFail(
        () => resolved.issues.length === 0,
        () => new PlanError.PlanError({ issues: resolved.issues })
      )
    )
  })

/**
 * Reads and parses a plan file at `now` (epoch ms).
 *
 * @since 0.1.0
 */
export const read = (
  file: string,
  now: number
): Effect.Effect<RestorePlan.RestorePlan, PlanFileError | PlanError.PlanError> =>
  Effect.tryPromise({
    try: () => Fs.readFile(file, "utf8"),
    catch: (cause) => {
      const code = errorCode(cause)
      return new PlanFileError({
        file,
        detail: code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a directory" : `it could not be opened (${code})`
      })
    }
  }).pipe(Effect.flatMap((text) => parse(text, now)))
