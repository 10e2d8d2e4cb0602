import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { CollectionName, DatabaseName, RestorePlan, RestorePoint, Rules, Wire } from "@dds-restore/domain"
import * as ParseResult from "effect/ParseResult"
import { fastDecode } from "../src/internal/fastDecode.js"
import { planIssues } from "../src/internal/planIssues.js"

// Names from every corner of Unicode, kept when the rules accept them, plus near misses.
const looseString = (maxLength: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength }),
    fc.fullUnicodeString({ minLength: 1, maxLength }),
    fc.constantFrom("orders", "customers", "system", "a.b", "x y", "名前", "ü")
  )
const databaseName = looseString(20).filter((s) => Either.isRight(DatabaseName.parse(s)))
const collectionName = looseString(30).filter((s) => Either.isRight(CollectionName.parse(s)))
const millis = fc.oneof(
  fc.integer({ min: 0, max: RestorePoint.MAX_MILLIS }),
  fc.constantFrom(0, RestorePoint.MAX_MILLIS, 1607762955000)
)

const collection = fc
  .record({ oldName: collectionName, newName: fc.option(collectionName, { nil: undefined }), at: millis })
  .map((c) => RestorePlan.collection(c))

const entry = fc.oneof(
  fc.record({ database: databaseName, at: millis }).map((e) => RestorePlan.database(e.database, e.at)),
  fc
    .record({ database: databaseName, collections: fc.array(collection, { minLength: 1, maxLength: 5 }) })
    .map((e) => RestorePlan.collections(e.database, e.collections as [RestorePlan.CollectionRestore]))
)

/** Any plan whose fields are valid; the rules across entries may or may not hold. */
const anyPlan = fc.array(entry, { maxLength: 5 }).map(RestorePlan.make)

/** A plan that follows every rule. */
const validPlan = anyPlan.filter((plan) => plan.entries.length > 0 && Rules.check(plan, {}).length === 0)

// A time written in any form decode accepts: digits, a number, ISO-8601 in UTC or with an offset.
const renderTime = (at: number, form: number): unknown => {
  switch (form % 5) {
    case 0:
      return String(at)
    case 1:
      return at
    case 2:
      return new Date(at).toISOString()
    case 3: {
      // The same instant as seen from UTC+05:30 (or from UTC-05:30 near the year 9999, where
      // +05:30 would write a five-digit year).
      const ahead = at + 330 * 60_000 <= RestorePoint.MAX_MILLIS
      const local = new Date(ahead ? at + 330 * 60_000 : at - 330 * 60_000).toISOString().slice(0, -1)
      return `${local}${ahead ? "+" : "-"}05:30`
    }
    default:
      return new Date(at)
  }
}

const renderPlan = (plan: RestorePlan.RestorePlan, forms: ReadonlyArray<number>) => {
  let k = 0
  const form = () => forms[k++ % forms.length] ?? 0
  return {
    restore_collections: plan.entries.map((e) =>
      e._tag === "DatabaseRestore"
        ? { database: e.database, restore_database_time: renderTime(e.at, form()) }
        : {
          database: e.database,
          collections: e.collections.map((c) => ({
            old_name: c.oldName,
            ...(c.newName === undefined ? {} : { new_name: c.newName }),
            restore_collection_time: renderTime(c.at, form())
          }))
        }
    )
  }
}

// Every place in a JSON-like value, as a path, so that a mutation can pick one.
const placesOf = (value: unknown, path: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const places = [path]
  if (Array.isArray(value)) value.forEach((v, i) => places.push(...placesOf(v, [...path, i])))
  else if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) places.push(...placesOf(v, [...path, k]))
  }
  return places
}

type Mutation = { readonly kind: "replace" | "delete" | "add"; readonly value: unknown; readonly key: string }

// Applies one mutation at one place of a copy of `body`.
const mutate = (body: unknown, place: ReadonlyArray<string | number>, mutation: Mutation): unknown => {
  if (place.length === 0) return mutation.kind === "replace" ? mutation.value : body
  const [head, ...rest] = place
  if (Array.isArray(body)) {
    const copy: Array<unknown> = [...body]
    if (rest.length === 0 && mutation.kind === "delete") copy.splice(head as number, 1)
    else copy[head as number] = mutate(copy[head as number], rest, mutation)
    return copy
  }
  if (rest.length === 0 && mutation.kind === "delete") {
    return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => k !== head))
  }
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) }
  if (rest.length === 0 && mutation.kind === "add") {
    const target = copy[head as string]
    copy[head as string] = typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...target, [mutation.key]: mutation.value }
      : mutation.value
  } else copy[head as string] = mutate(copy[head as string], rest, mutation)
  return copy
}

const mutation = fc.record({
  kind: fc.constantFrom("replace", "delete", "add") as fc.Arbitrary<Mutation["kind"]>,
  value: fc.oneof(
    fc.anything(),
    fc.constantFrom("", "admin", "system.x", "a$b", "2020-12-12T08:49:15", "-1", -1, 1.5, null, [], {}, 1e300)
  ),
  key: fc.oneof(fc.string(), fc.constantFrom("restore_colection_time", "new_name", "restore_database_time", "collections"))
})

/** A plan body with one mistake (or, sometimes, with a harmless change). */
const mutatedBody = fc
  .tuple(anyPlan, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat(), mutation)
  .map(([plan, forms, pick, m]) => {
    const body = renderPlan(plan, forms)
    const places = placesOf(body)
    return mutate(body, places[pick % places.length] ?? [], m)
  })

const decodeWithSchema = Schema.decodeUnknownEither(RestorePlan.FromInput, { errors: "all" })

const options: RestorePlan.Options = {
  now: 1_764_000_000_000,
  windows: [{ start: 1_600_000_000_000, end: 1_700_000_000_000 }]
}

const isPlanErrorOrSuccess = (exit: Exit.Exit<RestorePlan.RestorePlan, unknown>): boolean =>
  Exit.isSuccess(exit) ||
  (Cause.isFailType(exit.cause) && (exit.cause.error as { readonly _tag?: unknown })._tag === "PlanError")

describe("RestorePlan codec: properties", () => {
  it.prop("decode(encode(plan)) is the plan", [validPlan], ([plan]) => {
    const exit = Effect.runSyncExit(RestorePlan.decode(RestorePlan.encode(plan)))
    expect(exit).toStrictEqual(Exit.succeed(plan))
  }, { fastCheck: { numRuns: 300 } })

  it.prop("the encoded body is JSON: it survives JSON.stringify and JSON.parse unchanged", [anyPlan], ([plan]) => {
    const body = RestorePlan.encode(plan)
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual(body)
  })

  it.prop("encode is the schema's encoding, and the schema decodes it back", [anyPlan], ([plan]) => {
    const body = RestorePlan.encode(plan)
    expect(Schema.encodeSync(RestorePlan.FromInput)(plan)).toStrictEqual(body)
    expect(decodeWithSchema(body)).toStrictEqual(Either.right(plan))
  }, { fastCheck: { numRuns: 300 } })

  it.prop("the encoded body is what Wire.RestoreRequestBody (the fake service's reader) reads and writes back", [anyPlan], ([plan]) => {
    const body = RestorePlan.encode(plan)
    const read = Schema.decodeUnknownSync(Wire.RestoreRequestBody)(body)
    expect(Schema.encodeSync(Wire.RestoreRequestBody)(read)).toStrictEqual(body)
  })

  it.prop("a time in any accepted form decodes to the same plan", [anyPlan, fc.array(fc.nat(), { minLength: 1, maxLength: 6 })], ([plan, forms]) => {
    const body = renderPlan(plan, forms)
    expect(decodeWithSchema(body)).toStrictEqual(Either.right(plan))
    expect(fastDecode(body)).toStrictEqual(plan)
  }, { fastCheck: { numRuns: 300 } })

  it.prop("the fast path accepts only what the schema accepts, with the same result", [fc.oneof(mutatedBody, fc.anything())], ([input]) => {
    const fast = fastDecode(input)
    if (fast !== undefined) expect(decodeWithSchema(input)).toStrictEqual(Either.right(fast))
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("the bounded walk finds exactly the schema's issues, in its order, with its words", [fc.oneof(mutatedBody, fc.anything())], ([input]) => {
    const walked = planIssues(input)
    const schema = decodeWithSchema(input)
    const expected = Either.isRight(schema) ? [] : ParseResult.ArrayFormatter.formatErrorSync(schema.left).map((issue) => ({
      path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
      message: issue.message
    }))
    expect(walked).toStrictEqual({ issues: expected.slice(0, 100), count: expected.length })
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("no body, however malformed, makes decode throw or die: it fails with a PlanError", [fc.oneof(mutatedBody, fc.anything())], ([input]) => {
    expect(isPlanErrorOrSuccess(Effect.runSyncExit(RestorePlan.decode(input, options)))).toBe(true)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("no text, however malformed, makes decodeJson throw or die", [fc.oneof(fc.string(), fc.json(), mutatedBody.map((b) => JSON.stringify(b) ?? ""))], ([text]) => {
    expect(isPlanErrorOrSuccess(Effect.runSyncExit(RestorePlan.decodeJson(text, options)))).toBe(true)
  }, { fastCheck: { numRuns: 500 } })

  it("keys the fast path cannot see with Object.keys are refused like the schema refuses them", () => {
    const base = { database: "analytics", restore_database_time: "1607762955000" }
    const withSymbol = { restore_collections: [{ ...base, [Symbol.for("x")]: 1 }] }
    const withHidden = { restore_collections: [Object.defineProperty({ ...base }, "hidden", { value: 1, enumerable: false })] }
    expect(fastDecode(withSymbol)).toBeUndefined()
    expect(fastDecode(withHidden)).toBeUndefined()
    const issues = (input: unknown) => Effect.runSync(Effect.map(Effect.flip(RestorePlan.decode(input)), (e) => e.issues))
    expect(issues(withSymbol)).toStrictEqual([{
      path: ["restore_collections", 0, "Symbol(x)"],
      message: `is unexpected, expected: "database" | "restore_database_time" | "collections"`
    }])
    expect(issues(withHidden)).toStrictEqual([{
      path: ["restore_collections", 0, "hidden"],
      message: `is unexpected, expected: "database" | "restore_database_time" | "collections"`
    }])
  })
})
