/**
 * JSON text read with a bound on its nesting: the service's bodies nest a few levels, and a body
 * of thousands of nested arrays (10 KB is enough) parses, but overflows the stack of whatever
 * walks it recursively afterwards, such as the formatting of a schema's error. Used for every
 * answer the client reads and every request body the fake service reads.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"

/**
 * The deepest nesting of arrays and objects read by default.
 *
 * @since 0.1.0
 */
export const MAX_DEPTH = 64

const OPEN_BRACKET = 0x5b
const OPEN_BRACE = 0x7b
const CLOSE_BRACKET = 0x5d
const CLOSE_BRACE = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * The offset (in UTF-16 units) where `text` nests deeper than `maxDepth`, or -1 when it does not.
 * Strings are skipped, so brackets inside them do not count.
 *
 * @since 0.1.0
 */
export const tooDeepAt = (text: string, maxDepth: number = MAX_DEPTH): number => {
  let depth = 0
  let inString = false
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k)
    if (inString) {
      if (c === BACKSLASH) k++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return k
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--
    }
  }
  return -1
}

/**
 * Parses JSON text nested at most `maxDepth` levels (`MAX_DEPTH` by default), or says, in a few
 * words, why it cannot: `not JSON (N characters)` or `nested deeper than 64 levels (at character N)`.
 * Never throws.
 *
 * @since 0.1.0
 */
export const parse = (text: string, options: { readonly maxDepth?: number | undefined } = {}): Either.Either<unknown, string> => {
  const maxDepth = options.maxDepth ?? MAX_DEPTH
  const at = tooDeepAt(text, maxDepth)
  if (at >= 0) return Either.left(`nested deeper than ${maxDepth} levels (at character ${at})`)
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch {
    return Either.left(`not JSON (${text.length} characters)`)
  }
}
