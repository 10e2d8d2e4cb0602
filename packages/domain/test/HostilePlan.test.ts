import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { PlanError, RestorePlan } from "@dds-restore/domain"

// Plans written by an attacker, or by a script gone wrong: the answer is always one PlanError,
// of a bounded size, found in bounded time.

const T = 1607762955000

// A long string as JSON.parse makes it (flat), not the rope "x".repeat(n) builds.
const flat = (c: string, length: number): string => Buffer.alloc(length, c).toString("latin1")

const failure = (input: unknown) => Effect.runSync(Effect.flip(RestorePlan.decode(input)))

describe("a PlanError stays small, whatever the plan", () => {
  it("5,000 invalid entries: 100 issues kept, all 5,000 counted, and the message says how many more", () => {
    const error = failure({ restore_collections: Array.from({ length: 5000 }, () => 1) })
    expect(error.issues).toHaveLength(PlanError.MAX_ISSUES)
    expect(error.count).toBe(5000)
    expect(error.issues[99]).toStrictEqual({
      path: ["restore_collections", 99],
      message: `an entry is an object { "database", "restore_database_time" } or { "database", "collections" }, got 1`
    })
    const lines = error.message.split("\n")
    expect(lines).toHaveLength(101)
    expect(lines[100]).toBe("and 4900 more issues")
  })

  it("the count covers every kind of issue, at every depth, past the first 100", () => {
    const badCollections = Array.from({ length: 150 }, (_, j) => ({ old_name: `c${j}$`, restore_collection_time: T }))
    const error = failure({
      restore_collections: [
        { database: "shop", collections: badCollections },
        { database: "a b", restore_database_time: "yesterday", extra: 1 },
        { database: "analytics" }
      ]
    })
    expect(error.count).toBe(150 + 3 + 1)
    expect(error.issues).toHaveLength(100)
  })

  it("a rule broken a thousand times is counted a thousand times, and 100 are kept", () => {
    const entries = Array.from({ length: 1001 }, () => ({ database: "shop", restore_database_time: T }))
    const error = failure({ restore_collections: entries })
    expect(error.count).toBe(1000)
    expect(error.issues).toHaveLength(100)
    expect(error.message.split("\n").at(-1)).toBe("and 900 more issues")
  })

  it("a PlanError made from any list keeps 100 issues and the count", () => {
    const issues = Array.from({ length: 250 }, (_, i) => ({ path: ["restore_collections", i], message: "wrong" }))
    const error = new PlanError.PlanError({ issues })
    expect(error.issues).toHaveLength(100)
    expect(error.count).toBe(250)
    expect(new PlanError.PlanError({ issues: issues.slice(0, 2) }).message).toBe(
      "restore_collections[0]: wrong\nrestore_collections[1]: wrong"
    )
  })
})

describe("values are quoted short and printable", () => {
  it("a 200 MB database name is named by a short prefix, once", () => {
    const name = flat("d", 200_000_000)
    const error = failure({ restore_collections: [{ database: name, restore_database_time: T }] })
    expect(error.count).toBe(1)
    expect(error.issues[0]?.message).toBe(
      `database name "${"d".repeat(128)}"… (200000000 characters) is too long: 200000000 bytes; at most 63 (MongoDB counts UTF-8 bytes)`
    )
  })

  it("a 200 MB collection name gets the namespace rule, not \"the plan could not be read\"", () => {
    const name = flat("c", 200_000_000)
    const error = failure({ restore_collections: [{ database: "shop", collections: [{ old_name: name, restore_collection_time: T }] }] })
    expect(error.issues).toStrictEqual([{
      path: ["restore_collections", 0, "collections", 0, "old_name"],
      message: `without a new_name the service restores "${"c".repeat(128)}"… (200000000 characters) as "${"c".repeat(128)}"… (200000018 characters), so "shop.${"c".repeat(123)}"… (200000014 characters) would be 200000023 bytes; at most 120 (MongoDB counts UTF-8 bytes): give a shorter new_name`
    }])
  })

  it("a long time string is quoted by its prefix", () => {
    const error = failure({ restore_collections: [{ database: "shop", restore_database_time: "x".repeat(1_000_000) }] })
    expect(error.issues[0]?.message).toBe(
      `"${"x".repeat(128)}"… (1000000 characters) is not a time: give UNIX epoch milliseconds (a number or a string of digits) or ISO-8601 with a zone, e.g. 2026-11-25T12:00:00Z`
    )
  })

  it("control characters in a quoted name are escaped, C1 and bidirectional ones included", () => {
    const error = failure({ restore_collections: [{ database: "a\u001b[2Jb\u009b\u202e c", restore_database_time: T }] })
    expect(error.issues[0]?.message).toBe(
      `database name "a\\u001b[2Jb\\u009b\\u202e c" contains a space, which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`
    )
  })

  it("an unexpected key that is not a plain word is quoted in the path, cut and escaped", () => {
    const key = `\u001b]0;owned\u0007${"k".repeat(300)}`
    const error = failure({ restore_collections: [], [key]: 1 })
    expect(PlanError.formatPath(error.issues[0]?.path ?? [])).toBe(`["\\u001b]0;owned\\u0007${"k".repeat(118)}"… (310 characters)]`)
  })
})

describe("a huge in-memory list is refused at once", () => {
  it("a sparse restore_collections of length 2^31 does not hang decode", () => {
    const list: Array<unknown> = []
    list.length = 2 ** 31
    const error = failure({ restore_collections: list })
    expect(error.issues).toStrictEqual([{
      path: ["restore_collections"],
      message: "restore_collections has 2147483648 elements; a plan holds at most 1000000"
    }])
  })

  it("a sparse collections list of length 2^31 does not hang decode", () => {
    const collections: Array<unknown> = []
    collections.length = 2 ** 31
    const error = failure({ restore_collections: [{ database: "shop", collections }] })
    expect(error.issues).toStrictEqual([{
      path: ["restore_collections", 0, "collections"],
      message: "collections has 2147483648 elements; a plan holds at most 1000000"
    }])
  })
})
