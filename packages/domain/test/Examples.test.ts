// The plan files at the repository's examples/ folder, which the demo uses, stay as documented.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { RestorePlan } from "@dds-restore/domain"

const example = (name: string): string => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8")

const NOON = Date.parse("2026-11-25T12:00:00Z")
const HOUR = 3_600_000

// The demo's plan files write times relative to now (`now-2h`), a convenience of the command line
// that keeps them inside the demo's restorable windows; the domain takes absolute times only, so
// they are resolved here against a fixed now, as the command line does against the real one.
const resolvedAt = (text: string, now: number): string =>
  text.replace(/"now-(\d+)([smhd])"/g, (_match, amount: string, unit: "s" | "m" | "h" | "d") =>
    `"${now - Number(amount) * { s: 1_000, m: 60_000, h: HOUR, d: 24 * HOUR }[unit]}"`)

describe("examples/", () => {
  it.effect("database-plan.json restores the analytics database", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decodeJson(resolvedAt(example("database-plan.json"), NOON), { now: NOON })
      expect(plan.entries).toStrictEqual([{ _tag: "DatabaseRestore", database: "analytics", at: NOON - 24 * HOUR }])
    }))

  it.effect("collection-plan.json restores orders (renamed) and customers of shop", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decodeJson(resolvedAt(example("collection-plan.json"), NOON), { now: NOON })
      expect(plan.entries).toStrictEqual([{
        _tag: "CollectionsRestore",
        database: "shop",
        collections: [
          { oldName: "orders", newName: "orders_restored", at: NOON - 2 * HOUR },
          { oldName: "customers", at: NOON - 90 * 60_000 }
        ]
      }])
    }))

  it.effect("a relative time is not a restore point: the domain takes absolute times only", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RestorePlan.decodeJson(example("database-plan.json"), { now: NOON }))
      expect(error.issues.map((issue) => issue.path)).toStrictEqual([["restore_collections", 0, "restore_database_time"]])
    }))

  it.effect("invalid-plan.json fails with every one of its mistakes", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RestorePlan.decodeJson(example("invalid-plan.json")))
      expect(error.message.split("\n")).toStrictEqual([
        `restore_collections[0].restore_database_time: a database-level restore of "analytics" needs a time: give restore_database_time, or list the collections to restore`,
        `restore_collections[1].collections[0].restore_colection_time: is unexpected, expected: "old_name" | "new_name" | "restore_collection_time"`,
        `restore_collections[1].collections[0].restore_collection_time: is missing`,
        `restore_collections[1].collections[1].restore_collection_time: "2026-11-25T12:00:00" has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +08:00`,
        `restore_collections[1].collections[2].old_name: collection name "system.users" starts with "system.", which MongoDB reserves for its own collections`,
        `restore_collections[2].database: "admin" is reserved by MongoDB (admin, local, config): restore another database`
      ])
    }))
})
