/**
 * The name of a collection to restore, or the new name to restore it under, checked against the
 * rules of the service and MongoDB.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { show } from "./internal/show.js"
import * as Schema from "effect/Schema"
import { collectionNameProblem } from "./internal/names.js"

/**
 * A collection name: not empty, no `$`, no NUL, not starting with `system.`.
 *
 * @since 0.1.0
 */
export const CollectionName = Schema.String.annotations({
  message: (issue) => `a collection name is a string, got ${show(issue.actual)}`
}).pipe(
  Schema.filter((name) => collectionNameProblem(name) ?? true),
  Schema.brand("@dds-restore/domain/CollectionName"),
  Schema.annotations({ identifier: "CollectionName" })
)

/**
 * A collection name that follows the rules.
 *
 * @since 0.1.0
 */
export type CollectionName = typeof CollectionName.Type

/**
 * Checks a collection name, or says what is wrong with it.
 *
 * @since 0.1.0
 */
export const parse = (name: string): Either.Either<CollectionName, string> => {
  const problem = collectionNameProblem(name)
  return problem === undefined ? Either.right(name as CollectionName) : Either.left(problem)
}

/**
 * A collection name; throws with what is wrong when it breaks a rule (meant for constants in code).
 *
 * @since 0.1.0
 */
export const make = (name: string): CollectionName =>
  Either.getOrElse(parse(name), (problem) => {
    throw new Error(problem)
  })
