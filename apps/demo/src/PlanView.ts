/**
 * A decoded plan shown to people (one line per database, one per collection, each time in ISO and
 * epoch ms) and as JSON (the exact wire body).
 *
 * @since 0.1.0
 */
import { type RestorePlan, RestorePoint } from "@dds-restore/domain"

const time = (at: RestorePoint.RestorePoint): string => `${RestorePoint.toIso(at)} (${at})`

// The control characters a terminal acts on (C0, DEL, C1 such as CSI) and the bidirectional ones
// that reorder what is shown: a name may hold them, the terminal must not receive them.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * A name as it is printed on a terminal: its control characters written as `\u001b`.
 *
 * @since 0.1.0
 */
export const printable = (name: string): string =>
  name.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/**
 * The plan, one line per entry and per collection, indented by two spaces.
 *
 * @since 0.1.0
 */
export const lines = (plan: RestorePlan.RestorePlan): ReadonlyArray<string> =>
  plan.entries.flatMap((entry, i) =>
    entry._tag === "DatabaseRestore"
      ? [`  restore_collections[${i}]: database ${printable(entry.database)}, whole database at ${time(entry.at)}`]
      : [
        `  restore_collections[${i}]: database ${printable(entry.database)}, ${entry.collections.length} ${
          entry.collections.length === 1 ? "collection" : "collections"
        }`,
        ...entry.collections.map((c) =>
          `    ${printable(c.oldName)} -> ${
            c.newName === undefined ? `${printable(c.oldName)}_bak_<ms> (the service's default name)` : printable(c.newName)
          } at ${time(c.at)}`
        )
      ]
  )
