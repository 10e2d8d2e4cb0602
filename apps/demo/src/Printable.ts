/**
 * Text from outside (names in a plan, the message of an unexpected error) as it may reach a
 * terminal: its control characters written out as `\u001b`, so that none of them acts.
 *
 * @since 0.1.0
 */

// The control characters a terminal acts on (C0, DEL, C1 such as CSI) and the bidirectional ones
// that reorder what is shown: a name may hold them, the terminal must not receive them.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * A text as it is printed on a terminal: its control characters written as `\u001b`.
 *
 * @since 0.1.0
 */
export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
