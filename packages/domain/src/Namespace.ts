/**
 * The namespace a restored collection ends up in (`<database>.<collection>`), and the name the
 * service gives a restored collection when the plan gives none.
 *
 * @since 0.1.0
 */
import { utf8Length } from "./internal/names.js"

/**
 * The longest `<database>.<collection>` MongoDB accepts after the restore, in UTF-8 bytes (through
 * MongoDB 4.2, which DDS runs); a longer one makes the restore job fail late, after the data was
 * copied.
 *
 * @since 0.1.0
 */
export const MAX_LENGTH = 120

/**
 * The number of digits of the timestamp in a default restored name (epoch milliseconds have 13
 * digits from 2001 to 2286).
 *
 * @since 0.1.0
 */
export const TIMESTAMP_DIGITS = 13

/**
 * The name the service gives a restored collection that has no `new_name`:
 * `<old_name>_bak_<epoch ms>`. The service's reference does not say which instant the timestamp
 * is; this project takes the collection's restore point (known before anything is sent), and the
 * fake service and the preflight's name-taken check use it the same way. The length, which is
 * what the 120-character rule needs, is the same either way.
 *
 * @since 0.1.0
 */
export const defaultRestoredName = (oldName: string, millis: number): string => `${oldName}_bak_${millis}`

/**
 * The length of a name or a namespace in UTF-8 bytes, as MongoDB measures it against
 * `MAX_LENGTH` (a lone surrogate, which no valid name holds, counts as the 3 bytes of the U+FFFD
 * an encoder writes for it).
 *
 * @since 0.1.0
 */
export const byteLength = (text: string): number => {
  const bytes = utf8Length(text)
  return bytes >= 0 ? bytes : new TextEncoder().encode(text).length
}

/**
 * The length in UTF-8 bytes of the default restored name of `oldName`, whatever the 13-digit
 * timestamp.
 *
 * @since 0.1.0
 */
export const defaultRestoredNameLength = (oldName: string): number =>
  byteLength(oldName) + "_bak_".length + TIMESTAMP_DIGITS

/**
 * The name a collection has after the restore: its `newName`, or the service's default name at
 * `millis` (the time the restore runs).
 *
 * @since 0.1.0
 */
export const finalName = (
  collection: { readonly oldName: string; readonly newName?: string | undefined },
  millis: number
): string => collection.newName ?? defaultRestoredName(collection.oldName, millis)

/**
 * The full namespace `<database>.<collection>`.
 *
 * @since 0.1.0
 */
export const make = (database: string, collection: string): string => `${database}.${collection}`
