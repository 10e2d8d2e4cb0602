/**
 * A restore point: the instant a database or a collection is restored to, as UNIX epoch
 * milliseconds in UTC, which is what the service reads.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { show } from "./internal/show.js"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as internal from "./internal/time.js"

/**
 * The latest accepted restore point, 9999-12-31T23:59:59.999Z; a later value is taken for a unit
 * mistake (seconds or microseconds given for milliseconds).
 *
 * @since 0.1.0
 */
export const MAX_MILLIS: number = internal.MAX_MILLIS

/**
 * A restore point: a whole, non-negative number of UNIX epoch milliseconds, at most `MAX_MILLIS`.
 *
 * @since 0.1.0
 */
export const RestorePoint = Schema.Number.pipe(
  Schema.filter((n) => {
    const result = internal.checkMillis(n)
    return result.ok || result.message
  }),
  Schema.brand("@dds-restore/domain/RestorePoint"),
  Schema.annotations({ identifier: "RestorePoint" })
)

/**
 * A restore point: UNIX epoch milliseconds, UTC.
 *
 * @since 0.1.0
 */
export type RestorePoint = typeof RestorePoint.Type

// One line for a value of the wrong type, instead of one line per member of the union.
const notATime = (what: string) => (issue: ParseResult.ParseIssue) => ({
  message: `a time is ${what}, got ${show(issue.actual)}`,
  override: true
})

const fromResult = (result: internal.TimeResult, ast: AST.AST, actual: unknown) =>
  result.ok
    ? ParseResult.succeed(result.millis as RestorePoint)
    : ParseResult.fail(new ParseResult.Type(ast, actual, result.message))

/**
 * The wire form the service reads and writes: a string of digits (what the SDKs send) or a bare
 * number (what the reference's examples send). Encodes as a string of digits.
 *
 * @since 0.1.0
 */
export const FromWire: Schema.Schema<RestorePoint, string | number> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number).annotations({
    message: notATime("UNIX epoch milliseconds as a string of digits or a number")
  }),
  Schema.typeSchema(RestorePoint),
  {
    strict: true,
    decode: (input, _, ast) =>
      fromResult(typeof input === "string" ? internal.parseDigits(input) : internal.checkMillis(input), ast, input),
    encode: (point) => ParseResult.succeed(String(point))
  }
).annotations({ identifier: "RestorePoint.FromWire" })

/**
 * What a person may write in a plan file or in code: epoch milliseconds (a number or a string of
 * digits), an ISO-8601 date and time with a zone (`Z` or `±hh:mm`), or a `Date`. An ISO time
 * without a zone is refused as ambiguous. Encodes as a string of digits.
 *
 * @since 0.1.0
 */
export const FromInput: Schema.Schema<RestorePoint, string | number | Date> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number, Schema.DateFromSelf).annotations({
    message: notATime("UNIX epoch milliseconds (a number or a string of digits), ISO-8601 with a zone, or a Date")
  }),
  Schema.typeSchema(RestorePoint),
  {
    strict: true,
    decode: (input, _, ast) => fromResult(read(input), ast, input),
    encode: (point) => ParseResult.succeed(String(point))
  }
).annotations({ identifier: "RestorePoint.FromInput" })

const read = (input: string | number | Date): internal.TimeResult =>
  typeof input === "string"
    ? internal.parseString(input)
    : typeof input === "number"
    ? internal.checkMillis(input)
    : internal.checkMillis(input.getTime())

/**
 * Reads a restore point from anything `FromInput` accepts, or says why it cannot.
 *
 * @since 0.1.0
 */
export const parse = (input: string | number | Date): Either.Either<RestorePoint, string> => {
  const result = read(input)
  return result.ok ? Either.right(result.millis as RestorePoint) : Either.left(result.message)
}

/**
 * A restore point from anything `FromInput` accepts; throws with the reason when it is not one
 * (meant for constants in code; use `parse` or the schemas for input).
 *
 * @since 0.1.0
 */
export const make = (input: string | number | Date): RestorePoint =>
  Either.getOrElse(parse(input), (message) => {
    throw new Error(message)
  })

/**
 * The string of digits the service expects on the wire.
 *
 * @since 0.1.0
 */
export const toWire = (point: RestorePoint): string => String(point)

/**
 * The restore point as an ISO-8601 UTC string, for messages meant for people.
 *
 * @since 0.1.0
 */
export const toIso = (point: RestorePoint): string => new Date(point).toISOString()
