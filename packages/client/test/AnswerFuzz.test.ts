// Whatever the service (or whatever stands at its address) answers, every call of the client ends
// in a value or a typed error: never a defect, never a hang. Random JSON, the service's own
// answers mutated at a random place, text that is not JSON, and bodies nested thousands deep,
// each answered with a random status to every read and to a restore.
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import { RestorePlan, Wire } from "@dds-restore/domain"
import { CallError, DdsResponse, RestoreClient } from "@dds-restore/client"
import * as Send from "../src/internal/send.js"
import { client, fixture, instanceId, recording } from "./support.js"

const answers = [
  "backup-policy.response.json",
  "error.response.json",
  "gateway-throttled.response.json",
  "instances.response.json",
  "job.response.json",
  "restore-collection.response.json",
  "restore-collections.response.json",
  "restore-database.response.json",
  "restore-time.response.json",
  "tasks-v3.1.response.json"
].map((name) => JSON.parse(fixture(name)) as unknown)

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

// Every place in a JSON value, as a path of keys and indexes.
const placesOf = (value: unknown, path: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const here = [path]
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => placesOf(v, [...path, i]))]
  if (typeof value === "object" && value !== null) {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => placesOf(v, [...path, k]))]
  }
  return here
}

const replaceAt = (value: unknown, path: ReadonlyArray<string | number>, by: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return by
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, by) : v))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === head ? replaceAt(v, rest, by) : v]))
  }
  return value
}

const jsonValue: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 6 }) as fc.Arbitrary<Json>

// A value where the service's answers put something else: a huge count, a negative one, a long
// string, a deep list, or any JSON.
const replacement = fc.oneof(
  jsonValue,
  fc.constantFrom<Json>(1e9, -1, 2 ** 53, Number.MAX_VALUE, "", "x".repeat(10_000), [], {}, null, "Completed", "Failed", "Running"),
  fc.integer({ min: 1, max: 200 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)) as Json)
)

const mutatedAnswer = fc
  .tuple(fc.constantFrom(...answers), fc.nat(), replacement)
  .map(([answer, pick, by]) => {
    const places = placesOf(answer)
    return JSON.stringify(replaceAt(answer, places[pick % places.length] ?? [], by))
  })

const body = fc.oneof(
  { weight: 4, arbitrary: mutatedAnswer },
  { weight: 2, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...answers), fc.nat()).map(([a, n]) => JSON.stringify(a).slice(0, n % 200)) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((n) => `{"job":${`{"a":`.repeat(n)}1${"}".repeat(n)}}`) }
)

const status = fc.constantFrom(200, 202, 204, 400, 401, 403, 404, 429, 500, 503)

const plan = RestorePlan.make([
  RestorePlan.database("shop", 1607762955000),
  RestorePlan.collections("analytics", [RestorePlan.collection({ oldName: "events", at: 1607762955000 })])
])

const calls: ReadonlyArray<readonly [string, (dds: RestoreClient.RestoreClient["Type"]) => Effect.Effect<unknown, unknown>]> = [
  ["job", (dds) => dds.job("a03b1b8a-b756-467c-8a49-38720c3d23ec")],
  ["instance", (dds) => dds.instance(instanceId)],
  ["backupPolicy", (dds) => dds.backupPolicy(instanceId)],
  ["restorableTimes", (dds) => dds.restorableTimes(instanceId, "2020-12-12")],
  ["restorableDatabases", (dds) => dds.restorableDatabases(instanceId, 1607762955000)],
  ["restorableCollections", (dds) => dds.restorableCollections(instanceId, "shop", 1607762955000)],
  ["restoreTasks", (dds) => dds.restoreTasks(instanceId, 1607700000000, 1607762955000)],
  ["preflight", (dds) => dds.preflight(instanceId, plan)],
  ["restore", (dds) => dds.restore(instanceId, plan, { preflight: false })],
  ["restore with preflight", (dds) => dds.restore(instanceId, plan)]
]

// A typed failure or a value; any defect or interruption is reported with the input that made it.
const typedOrValue = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  // Concurrent reads that lose to a failure are interrupted beside it: only a defect, or an
  // interruption with no failure, is wrong.
  if (Cause.isDie(exit.cause) || Cause.isInterruptedOnly(exit.cause)) return Cause.pretty(exit.cause).slice(0, 500)
  const failures = [...Cause.failures(exit.cause)]
  const untyped = failures.find((e) => typeof (e as { readonly _tag?: unknown })._tag !== "string")
  return untyped === undefined ? undefined : `an untyped failure: ${String(untyped)}`
}

describe("every answer decoder, fuzzed: a value or a typed error, never a defect", () => {
  it.effect.prop(
    "random and mutated answers, with random statuses, to every call",
    [fc.array(fc.tuple(status, body), { minLength: 1, maxLength: 4 }), fc.nat({ max: calls.length - 1 })],
    ([script, which]) => {
      const [name, call] = calls[which % calls.length] ?? ["job", (dds: RestoreClient.RestoreClient["Type"]) => dds.job("x")]
      const transport = recording((_, index) => {
        const [code, text] = script[index % script.length] ?? [200, "{}"]
        return Effect.succeed(DdsResponse.make({ status: code, headers: { "content-type": "application/json" }, body: text }))
      })
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flatMap(RestoreClient.RestoreClient, call))
        yield* TestClock.adjust("1 hour")
        const exit = yield* Fiber.await(fiber)
        expect([name, typedOrValue(exit)]).toStrictEqual([name, undefined])
        // Bounded work: pages and retries stop whatever the answers say.
        expect(transport.requests.length).toBeLessThan(1000)
      }).pipe(Effect.provide(client(transport.layer)))
    },
    { fastCheck: { numRuns: 300 }, timeout: 300_000 }
  )
})

const schemas = [
  ["backupPolicy", Wire.BackupPolicyResponse],
  ["instances", Wire.InstancesResponse],
  ["job", Wire.JobResponse],
  ["restorableCollections", Wire.RestoreCollectionsResponse],
  ["restorableDatabases", Wire.RestoreDatabasesResponse],
  ["restore", Wire.RestoreResponse],
  ["restorableTimes", Wire.RestoreTimeResponse],
  ["restoreTasks", Wire.TaskListResponse]
] as const

describe("the answer decoders themselves, fuzzed many thousands of times", () => {
  it.prop(
    "a 2xx body decodes to a value or fails as ResponseDecodeError; an error body is always a ServiceError",
    [status, body, fc.nat({ max: schemas.length - 1 })],
    ([code, text, which]) => {
      const [operation, schema] = schemas[which] ?? schemas[0]
      const response = DdsResponse.make({ status: code, headers: { "x-request-id": "req-fuzz" }, body: text })
      const exit = Effect.runSyncExit(Send.decode(operation, response, schema as Schema.Schema<unknown, unknown>))
      expect(typedOrValue(exit)).toBeUndefined()
      if (Exit.isFailure(exit)) {
        const error = Cause.failureOption(exit.cause)
        expect(Option.map(error, (e) => [e._tag, e.operation, e.status, e.requestId, e.issue.length <= 301])).toStrictEqual(
          Option.some(["ResponseDecodeError", operation, code, "req-fuzz", true])
        )
      }
      const refused = Send.serviceError(operation, response)
      expect([refused._tag, refused.status, refused.detail.length <= 501]).toStrictEqual(["ServiceError", code, true])
      // Its message is built without throwing, whatever the body held.
      expect(typeof refused.message).toBe("string")
    },
    { fastCheck: { numRuns: 10_000 }, timeout: 300_000 }
  )

  it("a 2xx answer of 5,000 nested arrays (10 KB) fails as ResponseDecodeError instead of overflowing the stack", () => {
    const response = DdsResponse.make({ status: 200, headers: {}, body: "[".repeat(5000) + "]".repeat(5000) })
    const exit = Effect.runSyncExit(Send.decode("restore", response, Wire.RestoreResponse))
    expect(exit).toStrictEqual(Exit.fail(new CallError.ResponseDecodeError({
      status: 200,
      operation: "restore",
      issue: "the body is nested deeper than 64 levels (at character 64)"
    })))
  })
})
