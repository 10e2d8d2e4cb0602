/**
 * The ids the command line is given (`--instance ID`, `job <job-id>`, each line of
 * `--instances FILE`), held to the client's rule: at most `maxLength` characters, each a letter, a
 * digit, `-` or `_`. A bad one is refused while the arguments are parsed (or the file is read),
 * naming the option (or the line), before any target is set up and before anything is sent.
 *
 * @since 0.2.0
 */
import * as Args from "@effect/cli/Args"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"

/**
 * The longest id taken, 64 characters: the client's `RestoreClient.maxIdLength`, restated here so that
 * reading the arguments does not load the client (test/Limits.test.ts holds the two equal). An
 * instance id has 36 characters, a job id (a UUID) 36.
 *
 * @since 0.2.0
 */
export const maxLength = 64

const pattern = /^[A-Za-z0-9_-]+$/

// What a message quotes of an id: a huge one is cut short.
const quoted = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)

/**
 * What is wrong with an id, `what` naming what it should be ("instance id", "job id"), or
 * `undefined` when it is one. Its length is checked first, so that a huge one is not read whole.
 *
 * @since 0.2.0
 */
export const problem = (id: string, what: string): string | undefined =>
  id.length > maxLength
    ? `${quoted(id)} is ${id.length} characters long, longer than any ${what} (at most ${maxLength})`
    : pattern.test(id)
    ? undefined
    : `${quoted(id)} is not ${/^[aeiou]/.test(what) ? "an" : "a"} ${what} (only letters, digits, - and _)`

/**
 * Checks the id given to `name` (`--instance`): the id, or the refusal of the arguments naming
 * `name`, as `Options.mapEffect` takes it.
 *
 * @since 0.2.0
 */
export const check = (name: string, what: string) => (id: string): Effect.Effect<string, ValidationError.ValidationError> => {
  const wrong = problem(id, what)
  return wrong === undefined ? Effect.succeed(id) : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`${name}: ${wrong}`)))
}

/**
 * An argument whose value is an id, named `<name>`: one that is not is refused, naming it.
 *
 * @since 0.2.0
 */
export const argument = (name: string, what: string): Args.Args<string> =>
  Args.text({ name }).pipe(Args.mapEffect((id) => {
    const wrong = problem(id, what)
    return wrong === undefined ? Effect.succeed(id) : Effect.fail(HelpDoc.p(`<${name}>: ${wrong}`))
  }))
