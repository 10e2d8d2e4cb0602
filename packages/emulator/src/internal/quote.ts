/**
 * How the emulator shows a value it was given (an argument, a file path, a reason quoting one) in
 * a message: its first characters only, then how many more there were, so that a huge value
 * cannot flood a terminal or a log.
 */

/** The most characters of a given value a message shows. */
export const maxQuoted = 200

/** The most characters of a reason from elsewhere (Node's, a seed's issues) a message shows: it may quote given values. */
export const maxReason = 1_000

const cut = (text: string, max: number, show: (kept: string) => string): string =>
  text.length <= max ? show(text) : `${show(text.slice(0, max))}… (${text.length - max} more characters)`

/** `text` as is, cut to its first `max` characters. */
export const clip = (text: string, max = maxQuoted): string => cut(text, max, (kept) => kept)

/** `text` as a JSON string, cut to its first `max` characters. */
export const quote = (text: string, max = maxQuoted): string => cut(text, max, (kept) => JSON.stringify(kept))
