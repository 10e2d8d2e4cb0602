/**
 * Durations on the command line (`--reconcile-wait 30s`, `--wait-timeout 2h`), read by the command
 * line itself: a whole number and a unit. A value that is not one is refused while the arguments
 * are parsed, like any other malformed option, before anything runs.
 *
 * @since 0.1.0
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The milliseconds of each unit the command line reads in durations and relative times.
 *
 * @since 0.1.0
 */
export const unitMillis = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/**
 * How a duration is written, for help texts and error messages.
 *
 * @since 0.1.0
 */
export const syntax = "a whole number and a unit, ms, s, m, h or d (500ms, 30s, 30m, 2h)"

const pattern = /^(\d{1,9})(ms|s|m|h|d)$/

/**
 * Reads a duration such as `30s`; `None` when the text is not one.
 *
 * @since 0.1.0
 */
export const parse = (text: string): Option.Option<Duration.Duration> => {
  const match = pattern.exec(text.trim())
  if (match === null) return Option.none()
  const [, amount, unit] = match
  return Option.some(Duration.millis(Number(amount) * unitMillis[unit as keyof typeof unitMillis]))
}

/**
 * An optional duration option named `--<name>`, at most `max`: a longer one is refused while the
 * arguments are parsed, naming the option, the value and the bound (say the bound in `description`).
 *
 * @since 0.1.0
 */
export const make = (
  name: string,
  description: string,
  max: Duration.Duration
): Options.Options<Option.Option<Duration.Duration>> =>
  Options.text(name).pipe(
    Options.withPseudoName("DURATION"),
    Options.withDescription(description),
    Options.mapEffect((text) => {
      const refuse = (reason: string) =>
        Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${JSON.stringify(shown(text))} ${reason}`)))
      return Option.match(parse(text), {
        onNone: () => refuse(`is not a duration: write ${syntax}`),
        onSome: (duration) =>
          Duration.greaterThan(duration, max) ? refuse(`is longer than ${Duration.format(max)}, the most it takes`) : Effect.succeed(duration)
      })
    }),
    Options.optional
  )

// What an error message quotes of a value: a huge one is cut short.
const shown = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}...` : text)
