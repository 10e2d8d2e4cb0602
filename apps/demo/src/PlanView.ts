/**
 * A decoded plan shown to people (one line per database, one per collection, each time in ISO and
 * epoch ms) and as JSON (the exact wire body).
 *
 * @since 0.1.0
 */
import { type RestorePlan, RestorePoint } from "@dds-restore/domain"
import { printable } from "./Printable.js"

const time = (at: RestorePoint.RestorePoint): string => `${RestorePoint.toIso(at)} (${at})`

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
