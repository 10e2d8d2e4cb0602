// Every id a caller gives the client is bounded in length (RestoreClient.maxIdLength, 64): a longer
// one is refused by every entry with the same InvalidArgument as an id of bad characters, naming the
// operation, the argument and the length and quoting only its first 40 characters, before anything
// is signed or sent and before any lease is taken; an id of exactly 64 characters is taken.
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { RestorePlan } from "@dds-restore/domain"
import { DdsConfig, RestoreClient, RestoreLedger, type Transport } from "@dds-restore/client"
import { client, counting, endpoint, fixture, instanceId, json, projectId, recording, restoring } from "./support.js"

const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])
const asShown = "Pass the id exactly as the console or the API shows it (an instance id looks like 9136fd2a9fcd405ea4674276ce36dae8in02)."

/** A client over `transport` whose signer counts what it signs and whose ledger lists the leases asked for. */
const observed = (transport: Layer.Layer<Transport.Transport>) => {
  const signer = counting()
  const acquired: Array<string> = []
  const ledger = Layer.effect(
    RestoreLedger.RestoreLedger,
    Effect.map(RestoreLedger.makeMemory, (memory) => ({
      ...memory,
      acquire: (key: RestoreLedger.InstanceKey, options: RestoreLedger.AcquireOptions) =>
        Effect.suspend(() => {
          acquired.push(key.instanceId)
          return memory.acquire(key, options)
        })
    }))
  )
  const layer = RestoreClient.layerWithoutLedger().pipe(
    Layer.provide(Layer.mergeAll(transport, signer.layer, ledger, Layer.orDie(DdsConfig.layer({ projectId, endpoint }))))
  )
  return { signed: signer.signed, acquired, layer }
}

/** Every entry of the client on one id, each run to its failure (or its end), as an `Exit`. */
const everyEntry = (id: string) =>
  Effect.gen(function*() {
    const dds = yield* RestoreClient.RestoreClient
    const now = yield* Clock.currentTimeMillis
    const calls = {
      restore: dds.restore(id, plan, { preflight: false }),
      restoreMany: Effect.flatMap(
        dds.restoreMany([{ instanceId: id, plan }], { concurrency: 1, preflight: false }),
        ([item]) => item === undefined ? Effect.dieMessage("no result") : item.result
      ),
      preflight: dds.preflight(id, plan),
      reconcile: dds.reconcile(id, now, { wait: "0 seconds" }),
      restoreRequest: dds.restoreRequest(id, plan),
      job: dds.job(id),
      waitForJob: dds.waitForJob(id),
      watchJob: Stream.runDrain(dds.watchJob(id)),
      restorableTimes: dds.restorableTimes(id, "2020-12-12"),
      restorableDatabases: dds.restorableDatabases(id, 1607762955000),
      restorableCollections: dds.restorableCollections(id, "shop", 1607762955000),
      instance: dds.instance(id),
      backupPolicy: dds.backupPolicy(id),
      restoreTasks: dds.restoreTasks(id, 0, 1)
    } satisfies Record<string, Effect.Effect<unknown, unknown>>
    const exits: Array<readonly [string, Exit.Exit<unknown, unknown>]> = []
    for (const [operation, call] of Object.entries(calls)) exits.push([operation, yield* Effect.exit(call as Effect.Effect<unknown, unknown>)])
    return exits
  })

const failureOf = (exit: Exit.Exit<unknown, unknown>): { readonly _tag: string; readonly message: string } | undefined =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error as { _tag: string; message: string } : undefined

const argumentOf = (operation: string): string => ["job", "waitForJob", "watchJob"].includes(operation) ? "jobId" : "instanceId"

// Each item of a batch is a restore: its refusal is restore's.
const refusedBy = (operation: string): string => operation === "restoreMany" ? "restore" : operation

describe("ids are bounded in length", () => {
  it("the bound", () => {
    expect(RestoreClient.maxIdLength).toBe(64)
  })

  it.effect("an id longer than 64 characters is refused by every entry, naming the argument and the length, quoting 40 characters, nothing sent, no lease taken", () =>
    Effect.gen(function*() {
      for (const long of [`${instanceId}${"0".repeat(29)}`, "x".repeat(1_000_000)]) {
        const transport = restoring(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
        const { acquired, layer, signed } = observed(transport.layer)
        const exits = yield* everyEntry(long).pipe(Effect.provide(layer))
        expect(exits.map(([operation, exit]) => [operation, failureOf(exit)?._tag, failureOf(exit)?.message])).toStrictEqual(
          exits.map(([operation]) => [
            operation,
            "InvalidArgument",
            `${refusedBy(operation)}: ${argumentOf(operation)} ${JSON.stringify(`${long.slice(0, 40)}…`)} is ${long.length} characters long, ` +
            `longer than any id: an id has at most 64. ${asShown}`
          ])
        )
        expect([transport.reads, transport.requests, signed, acquired]).toStrictEqual([[], [], [], []])
      }
    }))

  it.effect("an id of exactly 64 characters is taken by every entry: it is sent, and leased by those that take a lease", () =>
    Effect.gen(function*() {
      const atBound = `${instanceId}${"0".repeat(28)}`
      expect(atBound.length).toBe(64)
      // Every call that is sent is refused by the service, so that each one ends at once past its checks.
      const transport = restoring(() => Effect.succeed(json(400, fixture("error.response.json"))))
      const { acquired, layer } = observed(transport.layer)
      const exits = yield* everyEntry(atBound).pipe(Effect.provide(layer))
      expect(exits.map(([operation, exit]) => [operation, failureOf(exit)?._tag])).toStrictEqual([
        ["restore", "ServiceError"],
        ["restoreMany", "ServiceError"],
        ["preflight", "ServiceError"],
        // No task new to the submission within a wait of 0 (the task list was read: no 400 there).
        ["reconcile", "RestoreOutcomeUnknown"],
        // A dry run: the request is built, not sent.
        ["restoreRequest", undefined],
        ["job", "ServiceError"],
        ["waitForJob", "ServiceError"],
        ["watchJob", "ServiceError"],
        ["restorableTimes", "ServiceError"],
        ["restorableDatabases", "ServiceError"],
        ["restorableCollections", "ServiceError"],
        ["instance", "ServiceError"],
        ["backupPolicy", "ServiceError"],
        ["restoreTasks", undefined]
      ])
      expect(acquired).toStrictEqual([atBound, atBound, atBound])
      // Each request carries the id whole, in its path or as its id query.
      const sent = transport.requests.map((request) => [
        request.method,
        request.url.slice(`${endpoint}/v3/${projectId}`.length).replace(atBound, "{id}"),
        request.query.map(([key, value]) => key === "id" && value === atBound ? "id={id}" : key).join("&")
      ])
      const post = ["POST", "/instances/{id}/restore/collections", ""]
      const read = (path: string, query = "") => ["GET", path, query]
      expect(sent).toStrictEqual([
        post,
        post,
        read("/instances", "id={id}"),
        read("/jobs", "id={id}"),
        read("/jobs", "id={id}"),
        read("/jobs", "id={id}"),
        read("/instances/{id}/restore-time", "date"),
        read("/instances/{id}/restore-database", "restore_time&offset&limit"),
        read("/instances/{id}/restore-collection", "db_name&restore_time&offset&limit"),
        read("/instances", "id={id}"),
        read("/instances/{id}/backups/policy")
      ])
    }))

  it.effect("a refused over-long id shows in its span as its first 64 characters", () => {
    const spans: Array<Tracer.Span> = []
    const transport = recording(() => Effect.succeed(json(200, "{}")))
    const long = "y".repeat(100_000)
    return Effect.gen(function*() {
      const native = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (...args) => {
          const span = native.span(...args)
          spans.push(span)
          return span
        },
        context: native.context
      })
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy(long)).pipe(Effect.withTracer(tracer))
      expect(error._tag).toBe("InvalidArgument")
      const ours = (span: Tracer.Span) => Object.fromEntries([...span.attributes].filter(([key]) => key.startsWith("dds.")))
      expect(spans.map((span) => [span.name, ours(span)])).toStrictEqual([
        ["RestoreClient.backupPolicy", { "dds.instance_id": "y".repeat(64) + "…", "dds.operation": "backupPolicy" }]
      ])
      expect(transport.requests).toStrictEqual([])
    }).pipe(Effect.provide(client(transport.layer)))
  })
})
