// The "whole restore" guarantees of the workflow tests on the in-memory fake, shown again over real
// HTTP on loopback against the emulator, with real time, a real socket cut for every lost answer
// and the gateway checking every AK/SK signature: throttled reads end within their bounded
// attempts and no restore is submitted twice; every caller of a restore whose answer is lost gets
// its own job; and restoreMany keeps its request rate as the wire sees it.
import { DdsConfig, RestoreClient, Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture, type Fault, Seed } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schema from "effect/Schema"

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Replica sets `rs00`..`rsNN` with a day of restorable time up to a minute ago and `shop.orders`. */
const fleet = (count: number, now: number): { readonly ids: ReadonlyArray<string>; readonly seed: Seed.Seed } => {
  const ids = Array.from({ length: count }, (_, i) => `rs${String(i).padStart(2, "0")}`)
  const seed = Seed.make({
    credentials: [{ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }],
    instances: ids.map((id) =>
      Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: now - DAY, end: now - MINUTE }], databases: { shop: ["orders"] } })
    )
  })
  return { ids, seed }
}

/** A restore of `orders` an hour ago under a name of the caller's own, so its job can be told apart. */
const planFor = (now: number, newName: string) =>
  RestorePlan.make([
    RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName, at: now - HOUR })])
  ])

/** One request as it went onto the wire: when (Clock time), and the status of its answer (none when lost). */
interface Sent {
  readonly at: number
  readonly method: string
  readonly status: number | undefined
}

/**
 * A client of the emulator over HttpTransport (undici), signed with the demo AK/SK, whose every
 * request is recorded by a Transport wrapped around the HTTP one.
 */
const observedClient = (emulator: Emulator.Service, retryPolicy: RestoreClient.Options["retryPolicy"]) => {
  const sent: Array<Sent> = []
  const recorded = Layer.effect(
    Transport.Transport,
    Effect.map(HttpTransport.make({ timeout: "5 seconds" }), (http) =>
      Transport.make((request) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) =>
          http.send(request).pipe(
            Effect.tap((response) => Effect.sync(() => sent.push({ at, method: request.method, status: response.status }))),
            Effect.tapError(() => Effect.sync(() => sent.push({ at, method: request.method, status: undefined })))
          ))
      ))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const layer = RestoreClient.layer({ retryPolicy }).pipe(
    Layer.provide(
      Layer.mergeAll(
        recorded,
        AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }),
        DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })
      )
    ),
    Layer.orDie
  )
  return { sent, layer }
}

/** The part of `GET /_emulator/state` these tests read. */
const State = Schema.Struct({
  jobs: Schema.Array(Schema.Struct({ id: Schema.String, instance_id: Schema.String, status: Schema.String })),
  requests: Schema.Record({ key: Schema.String, value: Schema.Number })
})

/** The emulator's state page, read over HTTP as a person debugging a run would. */
const stateOf = (emulator: Emulator.Service) =>
  Effect.flatMap(
    Effect.promise(() => fetch(`${emulator.url}${Emulator.statePath}`).then((response) => response.json())),
    Schema.decodeUnknown(State)
  )

/** The most requests sent in any half-open second [t, t + 1 s), t any send time. */
const busiestSecond = (times: ReadonlyArray<number>): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Infinity) < (sorted[i] ?? 0) + SECOND) j++
    most = Math.max(most, j - i)
  }
  return most
}

const fastWatch = { initialInterval: "20 millis", maxInterval: "50 millis", timeout: "10 seconds" } as const

describe("the whole restore over HTTP, under faults", () => {
  it.scopedLive("under 30% throttling every read succeeds within its attempts, and each restore makes exactly one job", () =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const { ids, seed } = fleet(10, now)
      const faults: Fault.Rates = { throttle: 0.3 }
      const emulator = yield* Emulator.make({ seed, faults, jobDuration: "200 millis", jobVisibleAfter: "50 millis" })
      // Twelve attempts: the draws come in the order requests arrive, which real sockets do not fix,
      // so a read must outlast any run of throttling; 0.3^12 is about 5e-7 per read.
      const observed = observedClient(emulator, {
        maxAttempts: 12,
        baseDelay: "5 millis",
        throttleDelay: "10 millis",
        maxDelay: "100 millis"
      })

      const outcomes = yield* Effect.forEach(
        ids,
        (id) =>
          Effect.gen(function*() {
            const client = yield* RestoreClient.RestoreClient
            const submission = yield* client.restore(id, planFor(now, `orders_${id}`))
            const job = yield* client.waitForJob(submission.jobId, fastWatch)
            return { id, submission, job }
          }),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(observed.layer))

      expect(outcomes.map((o) => [o.id, o.submission.reconciled, o.job.status, o.job.instance.id])).toStrictEqual(
        ids.map((id) => [id, false, "Completed", id])
      )
      const held = outcomes.map((o) => o.submission.jobId)
      expect(new Set(held).size).toBe(ids.length)
      const state = yield* stateOf(emulator)
      // One job per restore, each the one its caller holds, on the instance that caller restored.
      expect(state.jobs.map((job) => [job.id, job.instance_id]).sort()).toStrictEqual(
        outcomes.map((o) => [o.submission.jobId, o.id]).sort()
      )
      // The gateway did throttle, and nothing else went wrong on the wire (a 404 is a job not yet visible).
      const statuses = observed.sent.map((s) => s.status)
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0)
      expect(statuses.filter((status) => status !== 200 && status !== 429 && status !== 404)).toStrictEqual([])
      // Every POST that reached the service was either refused before any work (429, resent) or
      // accepted: exactly one accepted per instance.
      const posts = observed.sent.filter((s) => s.method === "POST")
      expect(posts.length).toBe(state.requests["restore"])
      expect(posts.filter((s) => s.status === 200).length).toBe(ids.length)
      expect(posts.filter((s) => s.status !== 200 && s.status !== 429)).toStrictEqual([])
    }))

  it.scopedLive("100 restores, every answer lost on the wire, 16 at a time: exactly 100 jobs, each caller its own", () =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const { ids, seed } = fleet(10, now)
      // The emulator, as the service does, refuses a restore of an instance while another runs on it
      // (`busyWhileRestoring`, which Emulator.Options has no way to turn off), and a refusal's
      // answer is cut too, leaving its outcome unknown. So the callers of one instance take turns
      // as a team must against the real service: each waits for its job to end before the next
      // caller of that instance starts. The jobs show in the task list only 30 ms after their
      // submission, so reconcile polls for them, past the ones already held by earlier callers.
      const emulator = yield* Emulator.make({
        seed,
        faults: { dropRestoreAnswer: 1 },
        jobDuration: "80 millis",
        jobVisibleAfter: "30 millis"
      })
      const observed = observedClient(emulator, { maxAttempts: 3, baseDelay: "10 millis", throttleDelay: "10 millis" })
      const turns = yield* Effect.forEach(ids, (instanceId) => Effect.map(Effect.makeSemaphore(1), (turn) => ({ instanceId, turn })))
      const callers = Array.from({ length: 100 }, (_, i) => i).flatMap((i) => {
        const instance = turns[i % turns.length]
        return instance === undefined ? [] : [{ ...instance, newName: `orders_caller_${i}` }]
      })
      expect(callers).toHaveLength(100)

      const held = yield* Effect.forEach(
        callers,
        (caller) =>
          caller.turn.withPermits(1)(Effect.gen(function*() {
            const client = yield* RestoreClient.RestoreClient
            const submission = yield* client.restore(caller.instanceId, planFor(now, caller.newName), {
              reconcile: { wait: "5 seconds", interval: "50 millis" }
            })
            yield* client.waitForJob(submission.jobId, fastWatch)
            return submission
          })),
        { concurrency: 16 }
        // A hundred warnings of a lost answer are expected here; only an error is worth printing.
      ).pipe(Effect.provide(observed.layer), Logger.withMinimumLogLevel(LogLevel.Error))

      expect(held.map((submission) => submission.reconciled)).toStrictEqual(callers.map(() => true))
      expect(new Set(held.map((submission) => submission.jobId)).size).toBe(100)
      const jobs = new Map((yield* emulator.fake.jobs).map((job) => [job.id, job]))
      expect(jobs.size).toBe(100)
      // Its own job: on its instance, restoring under the name only this caller used.
      const mismatched = callers.filter((caller, i) => {
        const job = jobs.get(held[i]?.jobId ?? "")
        return job === undefined || job.instanceId !== caller.instanceId || job.restored[0]?.collection !== caller.newName
      })
      expect(mismatched).toStrictEqual([])
      // Each restore was sent once and its answer cut off; none was resent blindly.
      const posts = observed.sent.filter((s) => s.method === "POST")
      expect([posts.length, posts.filter((s) => s.status === undefined).length]).toStrictEqual([100, 100])
      expect((yield* stateOf(emulator)).requests["restore"]).toBe(100)
    }))

  it.scopedLive("restoreMany over 20 instances, 8 at a time, 50 requests per second: a result per instance, rate kept on the wire", () =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const { ids, seed } = fleet(20, now)
      const emulator = yield* Emulator.make({ seed, jobDuration: "200 millis", jobVisibleAfter: "50 millis" })
      const observed = observedClient(emulator, { maxAttempts: 3, baseDelay: "10 millis", throttleDelay: "10 millis" })
      const items = ids.map((instanceId) => ({ instanceId, plan: planFor(now, "orders_restored") }))

      const results = yield* Effect.flatMap(
        RestoreClient.RestoreClient,
        (client) => client.restoreMany(items, { concurrency: 8, requestsPerSecond: 50 })
      ).pipe(Effect.provide(observed.layer))

      expect(results.map((r) => r.instanceId)).toStrictEqual(ids.slice())
      const submitted = results.flatMap((r) => (Exit.isSuccess(r.result) ? [r.result.value] : []))
      expect(submitted.map((s) => s.reconciled)).toStrictEqual(ids.map(() => false))
      expect(new Set(submitted.map((s) => s.jobId)).size).toBe(20)
      const state = yield* stateOf(emulator)
      expect(state.jobs.map((job) => [job.id, job.instance_id]).sort()).toStrictEqual(
        results.map((r, i) => [submitted[i]?.jobId, r.instanceId]).sort()
      )

      // Every request the emulator counted went through the recording transport, every one was
      // answered 200, and no second of wall-clock time, from any send, holds more than 50.
      const counted = Object.values(state.requests).reduce((sum, n) => sum + n, 0)
      expect(observed.sent.length).toBe(counted)
      expect(observed.sent.filter((s) => s.status !== 200)).toStrictEqual([])
      expect(observed.sent.filter((s) => s.method === "POST").length).toBe(20)
      expect(busiestSecond(observed.sent.map((s) => s.at))).toBeLessThanOrEqual(50)
    }))
})
