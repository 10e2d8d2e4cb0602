// Every wait, interval and count a caller gives the client has a bound, in the library itself: its
// retry policy, the client's lease (its time to live and its wait), a search of the task list (its wait, interval and
// clock skew margin) and a wait on a job (its timeout and intervals). One out of its bounds is
// refused with InvalidArgument naming the operation, the option, the value and the bound, before
// anything is sent; the bound itself is taken.
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { RestorePlan } from "@dds-restore/domain"
import { DdsConfig, JobWatch, Preflight, Reconcile, RestoreClient, RestoreLedger, RetryPolicy, Signer } from "@dds-restore/client"
import { endpoint, fixture, instanceId, json, projectId, restoring } from "./support.js"

const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])
const jobId = "a03b1b8a-b756-467c-8a49-38720c3d23ec"

/** What a client needs besides its ledger: a transport that answers a restore and a job as the service does, a signer, the config. */
const service = () => {
  const transport = restoring((request) =>
    Effect.succeed(json(200, fixture(request.method === "POST" ? "restore-collections.response.json" : "job.response.json")))
  )
  const layer = Layer.mergeAll(transport.layer, Signer.layerUnsigned, Layer.orDie(DdsConfig.layer({ projectId, endpoint })))
  return { transport, layer }
}

/** A client with these options, over `service()`. */
const withOptions = (options: RestoreClient.Options) => {
  const { layer, transport } = service()
  return { transport, layer: RestoreClient.layer(options).pipe(Layer.provide(layer)) }
}

const messages = (errors: ReadonlyArray<{ readonly _tag: string; readonly message: string }>) => errors.map((error) => [error._tag, error.message])

describe("the client's waits are bounded in the library", () => {
  it("the bounds", () => {
    expect([RestoreLedger.minLeaseTtl, RestoreLedger.maxLeaseTtl, Reconcile.maxWait, Reconcile.minInterval, Reconcile.maxClockSkewMargin, JobWatch.maxTimeout, JobWatch.minInterval].map(Duration.format))
      .toStrictEqual(["2s", "10m", "30m", "10ms", "15m", "7d", "10ms"])
  })

  it.effect("a lease time to live out of 2s to 10m, or a lease wait over 1h, is refused by every call that takes a lease, nothing sent", () =>
    Effect.gen(function*() {
      const why = " (a lease is renewed at a third of it, so a shorter one can run out while its holder lives, and a longer one keeps " +
        "an instance locked long after its holder died), in the client's options (RestoreClient.layer({ lease: { ttl } }))."
      for (
        const [lease, refusal] of [
          [{ ttl: "1999 millis" }, `lease.ttl 1s 999ms is shorter than the shortest time to live of a lease, 2s: give at least that${why}`],
          [{ ttl: "11 minutes" }, `lease.ttl 11m is longer than the longest time to live of a lease, 10m: give at most that${why}`],
          [{ ttl: Duration.infinity }, `lease.ttl "Duration(Infinity)" is not a time to live of a lease: give a finite duration, such as "30 seconds".`],
          [
            { wait: "2 hours" },
            "lease.wait 2h is longer than the longest wait for a lease, 1h: give at most that (a submission that holds the instance longer is stuck, not busy), or 0 not to wait."
          ]
        ] as const
      ) {
        const { layer, transport } = withOptions({ lease })
        const refusals = yield* Effect.gen(function*() {
          const dds = yield* RestoreClient.RestoreClient
          return [
            yield* Effect.flip(dds.restore(instanceId, plan, { preflight: false })),
            yield* Effect.flip(dds.reconcile(instanceId, Date.now())),
            yield* Effect.flip(dds.recover())
          ]
        }).pipe(Effect.provide(layer))
        expect(messages(refusals)).toStrictEqual([
          ["InvalidArgument", `restore: ${refusal}`],
          ["InvalidArgument", `reconcile: ${refusal}`],
          ["InvalidArgument", `recover: ${refusal}`]
        ])
        expect([transport.reads, transport.requests]).toStrictEqual([[], []])
      }
    }))

  it.effect("a retry policy out of its bounds: every call of the client is refused, naming the option, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const [retryPolicy, refusal] of [
          [{ maxAttempts: 21 }, "retryPolicy.maxAttempts 21 is not a number of attempts from 1 to 20: give a whole number in that range (1 never retries)."],
          [{ maxAttempts: 0 }, "retryPolicy.maxAttempts 0 is not a number of attempts from 1 to 20: give a whole number in that range (1 never retries)."],
          [{ maxAttempts: Number.POSITIVE_INFINITY }, "retryPolicy.maxAttempts Infinity is not a number of attempts from 1 to 20: give a whole number in that range (1 never retries)."],
          [{ maxElapsed: "11 minutes" }, "retryPolicy.maxElapsed 11m is longer than the longest time to retry a call, 10m: give at most that."],
          [
            { baseDelay: Duration.infinity },
            `retryPolicy.baseDelay "Duration(Infinity)" is not a retry delay: give a finite duration, such as "500 millis".`
          ],
          [{ maxDelay: "1 hour" }, "retryPolicy.maxDelay 1h is longer than the longest retry delay, 10m: give at most that (a call is not retried for longer)."]
        ] as const
      ) {
        const { layer, transport } = withOptions({ retryPolicy })
        const refusals = yield* Effect.gen(function*() {
          const dds = yield* RestoreClient.RestoreClient
          return [
            yield* Effect.flip(dds.job(jobId)),
            yield* Effect.flip(dds.restoreRequest(instanceId, plan)),
            yield* Effect.flip(dds.restoreMany([{ instanceId, plan }], { concurrency: 1 })),
            yield* Effect.flip(Stream.runCollect(dds.watchJob(jobId)))
          ]
        }).pipe(Effect.provide(layer))
        expect(messages(refusals)).toStrictEqual(
          ["job", "restoreRequest", "restoreMany", "watchJob"].map((operation) => ["InvalidArgument", `${operation}: ${refusal}`])
        )
        expect([transport.reads, transport.requests]).toStrictEqual([[], []])
      }
    }))

  it.effect("the bounds of the retry policy are taken", () => {
    const { layer, transport } = withOptions({
      retryPolicy: { maxAttempts: RetryPolicy.attemptsLimit, maxElapsed: RetryPolicy.elapsedLimit, maxDelay: RetryPolicy.elapsedLimit }
    })
    return Effect.gen(function*() {
      expect((yield* (yield* RestoreClient.RestoreClient).job(jobId)).id).toBe(jobId)
      expect([RetryPolicy.attemptsLimit, Duration.format(RetryPolicy.elapsedLimit), transport.requests.length]).toStrictEqual([20, "10m", 1])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a preflight running more reads at once than 16, or not a whole number of them, is refused, in preflight and in restore, nothing sent", () => {
    const { layer, transport } = withOptions({})
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const refusals = [
        yield* Effect.flip(dds.preflight(instanceId, plan, { concurrency: 17 })),
        yield* Effect.flip(dds.preflight(instanceId, plan, { concurrency: 0 })),
        yield* Effect.flip(dds.restore(instanceId, plan, { preflight: { concurrency: 2.5 } }))
      ]
      const reason = (value: string) => `${value} is not a number of reads at once: give a whole number from 1 to 16.`
      expect(messages(refusals)).toStrictEqual([
        ["InvalidArgument", `preflight: concurrency ${reason("17")}`],
        ["InvalidArgument", `preflight: concurrency ${reason("0")}`],
        ["InvalidArgument", `restore: preflight.concurrency ${reason("2.5")}`]
      ])
      expect([transport.reads, transport.requests, Preflight.maxConcurrency]).toStrictEqual([[], [], 16])
      // The bound itself is taken: the preflight reads (and this transport's answer is no instance).
      const read = yield* Effect.flip(dds.preflight(instanceId, plan, { concurrency: Preflight.maxConcurrency }))
      expect([read._tag, transport.requests.length > 0]).toStrictEqual(["ResponseDecodeError", true])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a batch of more than 64 restores at once, or not a whole number of them, is refused by restoreMany, nothing sent; 64 is taken", () => {
    const { layer, transport } = withOptions({})
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const items = [{ instanceId, plan }]
      const refusals = [
        yield* Effect.flip(dds.restoreMany(items, { concurrency: 65 })),
        yield* Effect.flip(dds.restoreMany(items, { concurrency: 0 })),
        yield* Effect.flip(dds.restoreMany(items, { concurrency: 1.5 }))
      ]
      expect(messages(refusals)).toStrictEqual(["65", "0", "1.5"].map((value) => [
        "InvalidArgument",
        `restoreMany: concurrency ${value} is not a number of restores at once: give a whole number from 1 to 64.`
      ]))
      expect([transport.reads, transport.requests, RestoreClient.maxConcurrency]).toStrictEqual([[], [], 64])
      const [done] = yield* dds.restoreMany(items, { concurrency: RestoreClient.maxConcurrency, preflight: false })
      expect(done?.result).toStrictEqual(Exit.succeed({ jobId, reconciled: false }))
    }).pipe(Effect.provide(layer))
  })

  it.effect("a restore's preflight concurrency is refused before the instance's lease is waited for: another holder's lease does not hide it", () => {
    const { layer, transport } = service()
    return Effect.gen(function*() {
      const ledger = yield* RestoreLedger.makeMemory
      const key = { endpoint, projectId, instanceId }
      yield* ledger.acquire(key, { holder: "another runner", ttl: "1 minute", wait: "0 millis" })
      const dds = yield* RestoreClient.make().pipe(Effect.provideService(RestoreLedger.RestoreLedger, ledger))
      const refused = yield* Effect.flip(dds.restore(instanceId, plan, { preflight: { concurrency: 0 }, leaseWait: "0 millis" }))
      expect([refused._tag, refused.message]).toStrictEqual([
        "InvalidArgument",
        "restore: preflight.concurrency 0 is not a number of reads at once: give a whole number from 1 to 16."
      ])
      // A good one waits for the lease, as before.
      const busy = yield* Effect.flip(dds.restore(instanceId, plan, { preflight: { concurrency: 2 }, leaseWait: "0 millis" }))
      expect(busy._tag).toBe("InstanceBusy")
      expect([transport.reads, transport.requests]).toStrictEqual([[], []])
    }).pipe(Effect.provide(layer))
  })

  it.effect("recover refuses a ledger whose pages of unsettled submissions do not move on, rather than reading them forever", () => {
    const { layer, transport } = service()
    return Effect.gen(function*() {
      const memory = yield* RestoreLedger.makeMemory
      // A full page of submissions whose leases another live process holds: recover leaves them.
      for (let i = 0; i < RestoreLedger.unsettledLimit; i++) {
        const key = { endpoint, projectId, instanceId: `rs${i}` }
        const lease = yield* memory.acquire(key, { holder: "alive", ttl: "1 minute", wait: "0 millis" })
        yield* memory.record(lease, { id: `s${String(i).padStart(3, "0")}`, key, holder: "alive", at: 1_000 + i, body: "{}", hash: "", searchFrom: 0, before: [] })
      }
      // A ledger that reads the first page whatever it is asked.
      const ledger: RestoreLedger.Service = { ...memory, unsettled: (scope) => memory.unsettled(scope) }
      const dds = yield* RestoreClient.make().pipe(Effect.provideService(RestoreLedger.RestoreLedger, ledger))
      const refused = yield* Effect.flip(dds.recover({ leaseWait: "0 millis" }))
      expect([refused._tag, refused.message]).toStrictEqual([
        "LedgerError",
        "The restore ledger given to this client cannot be used (Failed): a page of unsettled submissions read after 1099/s099 ended at 1099/s099, " +
        "not past where it started: the ledger does not read pages in order (RestoreLedger.Service.unsettled), so they are not read again"
      ])
      expect([transport.reads, transport.requests]).toStrictEqual([[], []])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the bounds of the lease are taken", () => {
    const { layer, transport } = withOptions({ lease: { ttl: RestoreLedger.maxLeaseTtl, wait: RestoreClient.maxLeaseWait } })
    return Effect.gen(function*() {
      expect(yield* (yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })).toStrictEqual({ jobId, reconciled: false })
      expect(transport.requests.map((request) => request.method)).toStrictEqual(["POST"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a search of the task list out of its bounds is refused by restore, reconcile and recover, nothing sent", () => {
    const { layer, transport } = withOptions({})
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const refusals = [
        yield* Effect.flip(dds.restore(instanceId, plan, { preflight: false, reconcile: { wait: "31 minutes" } })),
        yield* Effect.flip(dds.restore(instanceId, plan, { preflight: false, reconcile: { wait: "soon" as Duration.DurationInput } })),
        yield* Effect.flip(dds.reconcile(instanceId, Date.now(), { interval: "9 millis" })),
        yield* Effect.flip(dds.recover({ clockSkewMargin: "16 minutes" }))
      ]
      expect(messages(refusals)).toStrictEqual([
        [
          "InvalidArgument",
          "restore: reconcile.wait 31m is longer than the longest wait for a lost answer's job, 30m: give at most that " +
          "(a new task shows in the task list within seconds, and the instance stays leased while its job is looked for)."
        ],
        ["InvalidArgument", `restore: reconcile.wait "soon" is not a wait for a lost answer's job: give a finite duration, such as "60 seconds".`],
        ["InvalidArgument", "reconcile: interval 9ms is shorter than the shortest interval between two reads of the task list, 10ms: give at least that."],
        [
          "InvalidArgument",
          "recover: clockSkewMargin 16m is longer than the longest clock skew margin, 15m: give at most that " +
          "(the gateway refuses a signature further than that from its clock)."
        ]
      ])
      expect([transport.reads, transport.requests]).toStrictEqual([[], []])
      const bounded = { wait: Reconcile.maxWait, interval: Reconcile.minInterval, clockSkewMargin: Reconcile.maxClockSkewMargin }
      expect(yield* dds.restore(instanceId, plan, { preflight: false, reconcile: bounded })).toStrictEqual({ jobId, reconciled: false })
      expect(yield* dds.recover(bounded)).toStrictEqual([])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a wait on a job out of its bounds is refused by waitForJob and watchJob before the job is read", () => {
    const { layer, transport } = withOptions({})
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const refusals = [
        yield* Effect.flip(dds.waitForJob(jobId, { timeout: "8 days" })),
        yield* Effect.flip(dds.waitForJob(jobId, { notVisibleFor: Duration.infinity })),
        yield* Effect.flip(dds.watchJob(jobId, { initialInterval: "1 millis" }).pipe(Stream.runCollect)),
        yield* Effect.flip(dds.watchJob(jobId, { maxInterval: 0 }).pipe(Stream.runCollect))
      ]
      expect(messages(refusals)).toStrictEqual([
        [
          "InvalidArgument",
          "waitForJob: timeout 8d is longer than the longest wait for a job, 7d: give at most that (a restore job runs for hours, not weeks: wait on it again to wait longer)."
        ],
        ["InvalidArgument", `waitForJob: notVisibleFor "Duration(Infinity)" is not a wait for a new job to show: give a finite duration, such as "30 seconds".`],
        ["InvalidArgument", "watchJob: initialInterval 1ms is shorter than the shortest interval between two reads of a job, 10ms: give at least that."],
        ["InvalidArgument", "watchJob: maxInterval 0 is shorter than the shortest interval between two reads of a job, 10ms: give at least that."]
      ])
      expect([transport.reads, transport.requests]).toStrictEqual([[], []])
      const bounded = { timeout: JobWatch.maxTimeout, notVisibleFor: JobWatch.maxTimeout, initialInterval: JobWatch.minInterval, maxInterval: JobWatch.minInterval }
      const [first] = yield* dds.watchJob(jobId, bounded).pipe(Stream.take(1), Stream.runCollect)
      expect([first?.id, first?.status, transport.requests.length]).toStrictEqual([jobId, "Running", 1])
    }).pipe(Effect.provide(layer))
  })
})
