import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as PlanFile from "../src/PlanFile.js"
import * as RelativeTime from "../src/RelativeTime.js"

const NOW = Date.parse("2026-11-26T12:00:00Z")

describe("relative times in a plan file", () => {
  it("now-2h, now-90m, now-1d, now-30s and now read as epoch ms before now", () => {
    expect(RelativeTime.parse("now-2h", NOW)).toStrictEqual(Either.right(NOW - 2 * 3_600_000))
    expect(RelativeTime.parse("now-90m", NOW)).toStrictEqual(Either.right(NOW - 90 * 60_000))
    expect(RelativeTime.parse("now-1d", NOW)).toStrictEqual(Either.right(NOW - 86_400_000))
    expect(RelativeTime.parse("now-30s", NOW)).toStrictEqual(Either.right(NOW - 30_000))
    expect(RelativeTime.parse("now", NOW)).toStrictEqual(Either.right(NOW))
  })

  it("a time that does not start with now is left to the domain", () => {
    expect(RelativeTime.parse("2026-11-25T12:00:00Z", NOW)).toBeUndefined()
    expect(RelativeTime.parse("1764072000000", NOW)).toBeUndefined()
  })

  it("a malformed relative time says how to write one", () => {
    expect(RelativeTime.parse("now+2h", NOW)).toStrictEqual(
      Either.left(`"now+2h" is not a relative time: write ${RelativeTime.syntax}`)
    )
  })

  it("only time fields are resolved: a collection named now-1d keeps its name", () => {
    const resolved = RelativeTime.resolve({
      restore_collections: [
        { database: "analytics", restore_database_time: "now-1d" },
        { database: "shop", collections: [{ old_name: "now-1d", new_name: "now-2h", restore_collection_time: "now-90m" }] }
      ]
    }, NOW)
    expect(resolved).toStrictEqual({
      input: {
        restore_collections: [
          { database: "analytics", restore_database_time: NOW - 86_400_000 },
          { database: "shop", collections: [{ old_name: "now-1d", new_name: "now-2h", restore_collection_time: NOW - 90 * 60_000 }] }
        ]
      },
      issues: []
    })
  })

  it.effect("a plan file with relative times decodes to absolute restore points", () =>
    Effect.gen(function*() {
      const plan = yield* PlanFile.parse(
        JSON.stringify({ restore_collections: [{ database: "analytics", restore_database_time: "now-2h" }] }),
        NOW
      )
      expect(plan.entries).toStrictEqual([{ _tag: "DatabaseRestore", database: "analytics", at: NOW - 7_200_000 }])
    }))

  it.effect("a malformed relative time is reported once, with its path, beside the plan's other issues", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(PlanFile.parse(
        JSON.stringify({
          restore_collections: [
            { database: "shop", collections: [{ old_name: "orders", restore_collection_time: "now-2 hours" }] },
            { database: "admin", restore_database_time: "now-1d" }
          ]
        }),
        NOW
      ))
      expect(error.issues).toStrictEqual([
        {
          path: ["restore_collections", 0, "collections", 0, "restore_collection_time"],
          message: `"now-2 hours" is not a relative time: write ${RelativeTime.syntax}`
        },
        {
          path: ["restore_collections", 1, "database"],
          message: `"admin" is reserved by MongoDB (admin, local, config): restore another database`
        }
      ])
    }))
})
