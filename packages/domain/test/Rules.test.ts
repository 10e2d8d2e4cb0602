import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { RestorePlan } from "@dds-restore/domain"

const T = 1607762955000

const issuesOf = (input: unknown, options?: RestorePlan.Options) =>
  Effect.map(Effect.flip(RestorePlan.decode(input, options)), (error) => error.issues)

const collections = (database: string, ...list: ReadonlyArray<{ old_name: string; new_name?: string }>) => ({
  database,
  collections: list.map((c) => ({ ...c, restore_collection_time: String(T) }))
})

describe("Rules: each broken rule is reported with its path", () => {
  it.effect("the plan is not empty", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf({ restore_collections: [] })).toStrictEqual([
        { path: ["restore_collections"], message: "the plan restores nothing: add a database or a collection to restore" }
      ])
    }))

  it.effect("no database appears twice", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [
            collections("shop", { old_name: "orders" }),
            { database: "analytics", restore_database_time: T },
            collections("shop", { old_name: "customers" })
          ]
        })
      ).toStrictEqual([{
        path: ["restore_collections", 2, "database"],
        message: `database "shop" already appears in restore_collections[0]: restore it in one entry`
      }])
    }))

  it.effect("no collection is restored twice in one database", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [
            collections("shop", { old_name: "orders" }, { old_name: "customers" }, { old_name: "orders", new_name: "orders_2" }),
            collections("billing", { old_name: "orders" })
          ]
        })
      ).toStrictEqual([{
        path: ["restore_collections", 0, "collections", 2, "old_name"],
        message: `collection "orders" of database "shop" is already restored by restore_collections[0].collections[0]: restore it once`
      }])
    }))

  it.effect("no two collections get the same new name", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [
            collections("shop", { old_name: "orders", new_name: "restored" }, { old_name: "customers", new_name: "restored" }),
            collections("billing", { old_name: "orders", new_name: "restored" })
          ]
        })
      ).toStrictEqual([{
        path: ["restore_collections", 0, "collections", 1, "new_name"],
        message: `new name "restored" in database "shop" is already given to restore_collections[0].collections[0]: choose another name`
      }])
    }))

  it.effect("a new name does not equal another old name of the same database", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [
            collections("shop", { old_name: "orders", new_name: "customers" }, { old_name: "customers", new_name: "customers_old" }),
            collections("billing", { old_name: "invoices", new_name: "orders" })
          ]
        })
      ).toStrictEqual([{
        path: ["restore_collections", 0, "collections", 0, "new_name"],
        message:
          `new name "customers" is the name of another collection of database "shop" that this plan restores (restore_collections[0].collections[1]), and the service never overwrites a collection: choose another name`
      }])
    }))

  it.effect("a collection may be restored under its own name (it was dropped since)", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decode({ restore_collections: [collections("shop", { old_name: "orders", new_name: "orders" })] })
      expect(plan.entries).toHaveLength(1)
    }))

  // The largest name that fits, and one byte more. In UTF-8 bytes, as MongoDB counts them: "名前." is
  // 7 bytes and each 集 3, so the CJK name is 121 bytes in only 41 UTF-16 units.
  it.effect.each<readonly [string, string, string, string]>([
    ["ASCII", "shop", "n".repeat(115), "n".repeat(116)],
    ["CJK", "名前", "a".repeat(113), "集".repeat(38)]
  ])("<db>.<new name> is at most 120 UTF-8 bytes (%s)", ([, db, fits, tooLong]) =>
    Effect.gen(function*() {
      expect(new TextEncoder().encode(`${db}.${fits}`).length).toBe(120)
      expect(
        yield* issuesOf({
          restore_collections: [collections(db, { old_name: "a", new_name: fits }, { old_name: "b", new_name: tooLong })]
        })
      ).toStrictEqual([{
        path: ["restore_collections", 0, "collections", 1, "new_name"],
        message: `"${db}.${tooLong}" would be 121 bytes; at most 120 (MongoDB counts UTF-8 bytes): choose a shorter new_name`
      }])
    }))

  it.effect("without a new name, the default <old>_bak_<13-digit ms> counts toward the 120", () =>
    Effect.gen(function*() {
      // "shop." (5) + old + "_bak_" (5) + 13 digits = 120 when old has 97 characters.
      const fits = "o".repeat(97)
      const tooLong = "p".repeat(98)
      expect(
        yield* issuesOf({ restore_collections: [collections("shop", { old_name: fits }, { old_name: tooLong })] })
      ).toStrictEqual([{
        path: ["restore_collections", 0, "collections", 1, "old_name"],
        message:
          `without a new_name the service restores "${tooLong}" as "${tooLong}_bak_<13-digit ms>", so "shop.${tooLong}_bak_<ms>" would be 121 bytes; at most 120 (MongoDB counts UTF-8 bytes): give a shorter new_name`
      }])
    }))

  it.effect("no time is later than now", () =>
    Effect.gen(function*() {
      const now = T + 1000
      expect(
        yield* issuesOf({
          restore_collections: [
            { database: "analytics", restore_database_time: now + 1 },
            {
              database: "shop",
              collections: [
                { old_name: "orders", restore_collection_time: now },
                { old_name: "customers", restore_collection_time: "2020-12-12T08:49:17Z" }
              ]
            }
          ]
        }, { now })
      ).toStrictEqual([
        {
          path: ["restore_collections", 0, "restore_database_time"],
          message: "2020-12-12T08:49:16.001Z (1607762956001) is later than now (2020-12-12T08:49:16.000Z): a restore point must be in the past"
        },
        {
          path: ["restore_collections", 1, "collections", 1, "restore_collection_time"],
          message: "2020-12-12T08:49:17.000Z (1607762957000) is later than now (2020-12-12T08:49:16.000Z): a restore point must be in the past"
        }
      ])
    }))

  it.effect("when windows are known, every time falls inside one, and the issue names the nearest", () =>
    Effect.gen(function*() {
      const windows = [
        { start: 1607731200000, end: 1607756414000 },
        { start: 1607756825000, end: 1607761999000 },
        { start: 1607762943000, end: 1607817599000 }
      ]
      expect(
        yield* issuesOf({
          restore_collections: [
            { database: "analytics", restore_database_time: 1607756500000 },
            {
              database: "shop",
              collections: [
                { old_name: "orders", restore_collection_time: 1607762943000 },
                { old_name: "customers", restore_collection_time: 1607817599001 }
              ]
            }
          ]
        }, { windows })
      ).toStrictEqual([
        {
          path: ["restore_collections", 0, "restore_database_time"],
          message:
            "2020-12-12T07:01:40.000Z (1607756500000) is outside every restorable window; the nearest is 2020-12-12T00:00:00.000Z to 2020-12-12T07:00:14.000Z (1607731200000 to 1607756414000)"
        },
        {
          path: ["restore_collections", 1, "collections", 1, "restore_collection_time"],
          message:
            "2020-12-12T23:59:59.001Z (1607817599001) is outside every restorable window; the nearest is 2020-12-12T08:49:03.000Z to 2020-12-12T23:59:59.000Z (1607762943000 to 1607817599000)"
        }
      ])
    }))

  it.effect("with no restorable window at all, every time is refused", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf({ restore_collections: [{ database: "analytics", restore_database_time: T }] }, { windows: [] }))
        .toStrictEqual([{
          path: ["restore_collections", 0, "restore_database_time"],
          message: "2020-12-12T08:49:15.000Z (1607762955000) cannot be restored: there is no restorable window"
        }])
    }))

  it.effect("every broken rule is reported together, and the message has one line per issue", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RestorePlan.decode({
        restore_collections: [
          collections("shop", { old_name: "orders", new_name: "x" }, { old_name: "orders", new_name: "x" }),
          { database: "shop", restore_database_time: T + 5000 }
        ]
      }, { now: T }))
      expect(error.message.split("\n")).toStrictEqual([
        `restore_collections[1].database: database "shop" already appears in restore_collections[0]: restore it in one entry`,
        `restore_collections[0].collections[1].old_name: collection "orders" of database "shop" is already restored by restore_collections[0].collections[0]: restore it once`,
        `restore_collections[0].collections[1].new_name: new name "x" in database "shop" is already given to restore_collections[0].collections[0]: choose another name`,
        `restore_collections[1].restore_database_time: 2020-12-12T08:49:20.000Z (1607762960000) is later than now (2020-12-12T08:49:15.000Z): a restore point must be in the past`
      ])
    }))

  it.effect("now and windows out of Date's range do not break the messages", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf({ restore_collections: [{ database: "a", restore_database_time: T }] }, { now: -1e20 }))
        .toStrictEqual([{
          path: ["restore_collections", 0, "restore_database_time"],
          message: "2020-12-12T08:49:15.000Z (1607762955000) is later than now (-100000000000000000000): a restore point must be in the past"
        }])
    }))
})
