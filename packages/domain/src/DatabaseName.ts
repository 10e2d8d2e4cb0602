/**
 * The name of a database to restore, checked against the rules of the service and MongoDB.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { show } from "./internal/show.js"
import * as Schema from "effect/Schema"
import { databaseNameProblem } from "./internal/names.js"

/**
 * A database name: not empty, at most 63 bytes in UTF-8 (as MongoDB counts), no lone surrogate,
 * none of `/ \ . " $ * < > : | ?`, space or NUL, and not `admin`, `local` or `config`.
 *
 * @since 0.1.0
 */
export const DatabaseName = Schema.String.annotations({
  message: (issue) => `a database name is a string, got ${show(issue.actual)}`
}).pipe(
  Schema.filter((name) => databaseNameProblem(name) ?? true),
  Schema.brand("@dds-restore/domain/DatabaseName"),
  Schema.annotations({ identifier: "DatabaseName" })
)

/**
 * A database name that follows the rules.
 *
 * @since 0.1.0
 */
export type DatabaseName = typeof DatabaseName.Type

/**
 * Checks a database name, or says what is wrong with it.
 *
 * @since 0.1.0
 */
export const parse = (name: string): Either.Either<DatabaseName, string> => {
  const problem = databaseNameProblem(name)
  return problem === undefined ? Either.right(name as DatabaseName) : Either.left(problem)
}

/**
 * A database name; throws with what is wrong when it breaks a rule (meant for constants in code).
 *
 * @since 0.1.0
 */
export const make = (name: string): DatabaseName =>
  Either.getOrElse(parse(name), (problem) => {
    throw new Error(problem)
  })
