/**
 * The one rule for an identifier placed in a URL path or a query: only ASCII letters, digits, `-`
 * and `_`, never empty, so that no id can add a path segment, climb with `..` or smuggle a query,
 * and at most `maxIdLength` characters; and how a value, or a list of them, is quoted in a message,
 * bounded.
 */
const safeSegment = /^[A-Za-z0-9_-]+$/

/** Whether a value may be placed in a URL path as one segment, as is. */
export const isSafeSegment = (value: string): boolean => safeSegment.test(value)

/**
 * The longest id placed in a path or a query, public as `RestoreClient.maxIdLength`, which says
 * why; as long as what a message shows of an id (`clip`), so that an id taken is never cut short.
 */
export const maxIdLength = 64

/** A value from elsewhere for a message, as is (a job id, a holder): cut short so that a huge one cannot flood a log. */
export const clip = (value: string, max = maxIdLength): string => (value.length > max ? `${value.slice(0, max)}…` : value)

/** The most characters of a lease's holder a message shows: room for a process and its host's full name. */
export const maxHolder = 200

/** A value for an error message: quoted, and cut short so that a huge input cannot flood a log. */
export const quote = (value: string, max = 64): string => JSON.stringify(clip(value, max))

/**
 * What is wrong with a value as an id (see `isSafeSegment`, `maxIdLength`), in words for a message,
 * or `undefined` when it is one. The length is checked first, so that a huge value is not read
 * all; a long one is quoted by its first 40 characters.
 */
export const idFault = (value: string): string | undefined =>
  value.length > maxIdLength
    ? `${quote(value, 40)} is ${value.length} characters long, longer than any id: an id has at most ${maxIdLength}.`
    : isSafeSegment(value)
    ? undefined
    : `${quote(value)} is not a valid id (only letters, digits, "-" and "_", not empty).`

/** A list for a message: its first `max` items, and how many more there are, so that its length is bounded. */
export const named = (items: ReadonlyArray<string>, max: number): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`
