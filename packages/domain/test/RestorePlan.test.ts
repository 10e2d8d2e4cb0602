import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { PlanError, RestorePlan } from "@dds-restore/domain"
import { fixture } from "./fixtures.js"

const T = 1607762955000

const issuesOf = (input: unknown, options?: RestorePlan.Options) =>
  Effect.map(Effect.flip(RestorePlan.decode(input, options)), (error) => error.issues)

describe("RestorePlan.decode reads the wire body", () => {
  it.effect("the reference's request body, times as strings", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decode(fixture("restore-collections.request.json"))
      expect(plan).toStrictEqual({
        entries: [
          { _tag: "DatabaseRestore", database: "test", at: T },
          {
            _tag: "CollectionsRestore",
            database: "shop",
            collections: [
              { oldName: "orders", newName: "orders_20201212", at: T },
              { oldName: "customers", at: T }
            ]
          }
        ]
      })
    }))

  it.effect("times as bare numbers, as the reference's examples send them", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decode({ restore_collections: [{ database: "test", restore_database_time: T }] })
      expect(plan).toStrictEqual({ entries: [{ _tag: "DatabaseRestore", database: "test", at: T }] })
    }))

  it.effect("times as ISO-8601 with a zone, as people write plan files", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decode({
        restore_collections: [{
          database: "shop",
          collections: [{ old_name: "orders", restore_collection_time: "2020-12-12T16:49:15+08:00" }]
        }]
      })
      expect(plan).toStrictEqual({
        entries: [{ _tag: "CollectionsRestore", database: "shop", collections: [{ oldName: "orders", at: T }] }]
      })
    }))

  it.effect("an entry with an empty collections list and a time is a database-level restore", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decode({ restore_collections: [{ database: "test", restore_database_time: T, collections: [] }] })
      expect(plan.entries).toStrictEqual([{ _tag: "DatabaseRestore", database: "test", at: T }])
    }))

  it.effect("decodeJson reads a plan file's text", () =>
    Effect.gen(function*() {
      const plan = yield* RestorePlan.decodeJson(`{"restore_collections":[{"database":"test","restore_database_time":"${T}"}]}`)
      expect(plan.entries).toStrictEqual([{ _tag: "DatabaseRestore", database: "test", at: T }])
    }))
})

describe("RestorePlan.decode refuses a malformed body, naming the path", () => {
  it.effect("a database-level restore without a time is refused, naming the entry", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf({ restore_collections: [{ database: "test", restore_database_time: T }, { database: "analytics" }] }))
        .toStrictEqual([{
          path: ["restore_collections", 1, "restore_database_time"],
          message: `a database-level restore of "analytics" needs a time: give restore_database_time, or list the collections to restore`
        }])
    }))

  it.effect("an empty collections list without a time is a database-level restore without a time", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf({ restore_collections: [{ database: "analytics", collections: [] }] })).toStrictEqual([{
        path: ["restore_collections", 0, "restore_database_time"],
        message: `a database-level restore of "analytics" needs a time: give restore_database_time, or list the collections to restore`
      }])
    }))

  it.effect("an entry with both a database time and collections is refused", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [{
            database: "shop",
            restore_database_time: T,
            collections: [{ old_name: "orders", restore_collection_time: T }]
          }]
        })
      ).toStrictEqual([{ path: ["restore_collections", 0, "restore_database_time"], message: RestorePlan.BOTH_TIME_AND_COLLECTIONS }])
    }))

  it.effect("a typo in a field name never passes silently", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_colection_time: String(T) }] }]
        })
      ).toStrictEqual([
        {
          path: ["restore_collections", 0, "collections", 0, "restore_colection_time"],
          message: `is unexpected, expected: "old_name" | "new_name" | "restore_collection_time"`
        },
        { path: ["restore_collections", 0, "collections", 0, "restore_collection_time"], message: "is missing" }
      ])
    }))

  it.effect("an unknown field at the top or in an entry is refused with its path", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({ restore_collections: [{ database: "test", restore_database_time: T, region: "x" }], dry_run: true })
      ).toStrictEqual([
        { path: ["dry_run"], message: `is unexpected, expected: "restore_collections"` },
        {
          path: ["restore_collections", 0, "region"],
          message: `is unexpected, expected: "database" | "restore_database_time" | "collections"`
        }
      ])
    }))

  it.effect("every field error is reported together, names and times with what is wrong", () =>
    Effect.gen(function*() {
      expect(
        yield* issuesOf({
          restore_collections: [
            { database: "admin", restore_database_time: "2020-12-12T08:49:15" },
            { database: "shop", collections: [{ old_name: "system.users", new_name: "a$b", restore_collection_time: -5 }] },
            { database: 7, collections: "orders" }
          ]
        })
      ).toStrictEqual([
        {
          path: ["restore_collections", 0, "database"],
          message: `"admin" is reserved by MongoDB (admin, local, config): restore another database`
        },
        {
          path: ["restore_collections", 0, "restore_database_time"],
          message: `"2020-12-12T08:49:15" has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +08:00`
        },
        {
          path: ["restore_collections", 1, "collections", 0, "old_name"],
          message: `collection name "system.users" starts with "system.", which MongoDB reserves for its own collections`
        },
        {
          path: ["restore_collections", 1, "collections", 0, "new_name"],
          message: `collection name "a$b" contains "$", which a collection name cannot contain`
        },
        {
          path: ["restore_collections", 1, "collections", 0, "restore_collection_time"],
          message: "a restore point cannot be before 1970-01-01T00:00:00Z, got -5"
        },
        { path: ["restore_collections", 2, "database"], message: "a database name is a string, got 7" },
        { path: ["restore_collections", 2, "collections"], message: `collections is a list of collections to restore, got "orders"` }
      ])
    }))

  it.effect("a body that is not a plan says what a plan is", () =>
    Effect.gen(function*() {
      expect(yield* issuesOf(null)).toStrictEqual([
        { path: [], message: `a plan is an object { "restore_collections": [...] }, got null` }
      ])
      expect(yield* issuesOf({})).toStrictEqual([{ path: ["restore_collections"], message: "is missing" }])
      expect(yield* issuesOf({ restore_collections: [5] })).toStrictEqual([{
        path: ["restore_collections", 0],
        message: `an entry is an object { "database", "restore_database_time" } or { "database", "collections" }, got 5`
      }])
    }))

  it.effect("text that is not JSON is a PlanError too", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RestorePlan.decodeJson("{ restore_collections"))
      expect(error).toBeInstanceOf(PlanError.PlanError)
      expect(error.issues).toHaveLength(1)
      expect(error.issues[0]?.path).toStrictEqual([])
      expect(error.issues[0]?.message.startsWith("the plan is not valid JSON: ")).toBe(true)
    }))

  it.effect("an input whose reading throws fails with a PlanError, not a defect", () =>
    Effect.gen(function*() {
      const hostile = new Proxy({}, {
        ownKeys: () => {
          throw new Error("no keys for you")
        }
      })
      const exit = yield* Effect.exit(RestorePlan.decode(hostile))
      expect(exit).toStrictEqual(
        Exit.fail(new PlanError.PlanError({ issues: [{ path: [], message: "the plan could not be read: no keys for you" }] }))
      )
    }))
})

describe("RestorePlan.encode writes exactly the wire body", () => {
  it("times as strings of digits, new_name only when given, no other field", () => {
    const plan = RestorePlan.make([
      RestorePlan.database("test", T),
      RestorePlan.collections("shop", [
        RestorePlan.collection({ oldName: "orders", newName: "orders_20201212", at: "2020-12-12T08:49:15Z" }),
        RestorePlan.collection({ oldName: "customers", at: new Date(T) })
      ])
    ])
    expect(RestorePlan.encode(plan)).toStrictEqual(fixture("restore-collections.request.json"))
    expect(JSON.stringify(RestorePlan.encode(plan))).toBe(
      `{"restore_collections":[{"database":"test","restore_database_time":"${T}"},{"database":"shop","collections":[` +
        `{"old_name":"orders","new_name":"orders_20201212","restore_collection_time":"${T}"},` +
        `{"old_name":"customers","restore_collection_time":"${T}"}]}]}`
    )
  })
})

describe("plans written in code", () => {
  it("a database-level restore is built with its time", () => {
    expect(RestorePlan.database("analytics", "2020-12-12T08:49:15Z")).toStrictEqual({
      _tag: "DatabaseRestore",
      database: "analytics",
      at: T
    })
  })

  it("constructors refuse a bad name or time, saying why", () => {
    expect(() => RestorePlan.database("admin", T)).toThrow(`"admin" is reserved by MongoDB`)
    expect(() => RestorePlan.database("analytics", "2020-12-12T08:49:15")).toThrow("has no time zone")
    expect(() => RestorePlan.collection({ oldName: "orders", newName: "system.x", at: T })).toThrow(`starts with "system."`)
    expect(() => RestorePlan.collections("shop", [] as unknown as [RestorePlan.CollectionRestore])).toThrow(
      `a collection-level restore of "shop" needs at least one collection`
    )
  })

  it.effect("validate runs the rules on a plan built in code", () =>
    Effect.gen(function*() {
      const plan = RestorePlan.make([RestorePlan.database("analytics", T), RestorePlan.database("analytics", T)])
      const error = yield* Effect.flip(RestorePlan.validate(plan))
      expect(error.issues).toStrictEqual([{
        path: ["restore_collections", 1, "database"],
        message: `database "analytics" already appears in restore_collections[0]: restore it in one entry`
      }])
      const good = RestorePlan.make([RestorePlan.database("analytics", T)])
      expect(yield* RestorePlan.validate(good, { now: T })).toBe(good)
    }))
})
