import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { RestorePlan } from "@dds-restore/domain"
import { CallError, DdsConfig, type DdsResponse, JobWatch, Reconcile, RestoreClient, RestoreLedger, Signer, Transport } from "@dds-restore/client"
import { client, counting, endpoint, fixture, instanceId, json, projectId, recording } from "./support.js"

const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])
const submittedAt = Date.parse("2026-11-20T12:00:00.000Z")

const task = (id: string, createdAt: string, instance = instanceId) => ({
  id,
  name: "MongodbRestoreTable",
  instance_id: instance,
  instance_name: "dds-orders-prod",
  status: "Running",
  progress: "0%",
  fail_reason: null,
  created_at: createdAt,
  ended_at: ""
})

const noTasks = JSON.stringify({ jobs: [], total_count: 0 })

/**
 * A transport for a restore whose answer is lost: the read before it (its before set) shows no
 * task, the restore is answered 200 with `post` (no job id to read), and every later read of the
 * task list with `after()`.
 */
const lostAnswer = (post: string, after: () => DdsResponse.DdsResponse) =>
  recording((request, index) => Effect.succeed(request.method === "POST" ? json(200, post) : index === 0 ? json(200, noTasks) : after()))

/** A client over `transport` and a ledger in memory that the test reads and writes as well. */
const withLedger = (transport: Layer.Layer<Transport.Transport>) =>
  RestoreClient.layerWithoutLedger().pipe(
    Layer.provideMerge(RestoreLedger.layerMemory),
    Layer.provide(transport),
    Layer.provide(Signer.layerUnsigned),
    Layer.provide(Layer.orDie(DdsConfig.layer({ projectId, endpoint })))
  )

describe("settling a restore whose answer was lost", () => {
  it.effect("a 2xx whose body cannot be read is settled from the task list, searched from 15 minutes before the submission", () => {
    // Before the restore, the instance has no restore task; after it, its job and another instance's.
    const transport = lostAnswer("<html>proxy</html>", () =>
      json(200, JSON.stringify({ jobs: [task("other-instance-job", "2026-11-20T11:59:00+0000", "otherin02"), task("the-job", "2026-11-20T11:58:00+0000")], total_count: 2 })))
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      const submission = yield* (yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })
      // Created two minutes "before" the submission: this machine's clock is ahead of the service's.
      expect(submission).toStrictEqual({ jobId: "the-job", reconciled: true })
      const [before, post, list] = transport.requests
      expect(before?.query).toStrictEqual(list?.query)
      expect(post?.method).toBe("POST")
      expect(list?.query).toStrictEqual([
        ["start_time", "2026-11-20T11:45:00+0000"],
        ["end_time", "2026-11-20T12:15:00+0000"],
        ["name", "MongodbRestoreTable"],
        ["offset", "0"],
        ["limit", "100"]
      ])
      expect(transport.requests).toHaveLength(3)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a reconcile that outlasts its wait names the instance, the time and what to check", () => {
    const transport = recording(() => Effect.succeed(json(200, noTasks)))
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      const fiber = yield* Effect.fork(Effect.flip((yield* RestoreClient.RestoreClient).reconcile(instanceId, submittedAt, { wait: "9 seconds" })))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, submittedAt, searchedFrom: submittedAt - 15 * 60_000 })
      expect(error.message).toContain(`look in the task list (GET /v3.1/{project_id}/jobs?name=MongodbRestoreTable`)
      // At 0, 3, 6 and 9 seconds.
      expect(transport.requests).toHaveLength(4)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  // Whatever the jitter of the back-off draws: lowest, middle, highest.
  for (const draw of [0, 0.5, 0.999]) {
  it.effect(`a task-list poll throttled before the wait ends is not retried past it: the read at the end of the wait settles the lost answer (jitter draw ${draw})`, () => {
    // The before set, the restore (its answer lost), three throttled polls, then the task list with the job.
    let polls = 0
    const transport = lostAnswer("", () =>
      ++polls <= 3
        ? json(429, fixture("gateway-throttled.response.json"), `req-throttled-${polls}`)
        : json(200, JSON.stringify({ jobs: [task("the-job", "2026-11-20T12:00:01+0000")], total_count: 1 })))
    const signer = counting()
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      const fiber = yield* Effect.fork((yield* RestoreClient.RestoreClient).restore(instanceId, plan, {
        preflight: false,
        reconcile: { wait: "8 seconds", interval: "3 seconds" }
      }))
      // The first poll is throttled at 0 s, retried at 1.6 to 2.4 s and at 4.8 to 7.2 s (waits of
      // 2 s and 4 s, ±20%), both throttled; its next wait (8 s ± 20%) would end after the 8 s wait,
      // so the read at 8 s is the next one, and it finds the job. Retried past the wait, the poll
      // would have found it at 11.2 s at the earliest.
      yield* TestClock.adjust("7999 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("1 milli")
      expect(Option.isSome(yield* Fiber.poll(fiber))).toBe(true)
      expect(yield* Fiber.join(fiber)).toStrictEqual({ jobId: "the-job", reconciled: true })
      expect(transport.requests.map((r) => r.method)).toStrictEqual(["GET", "POST", "GET", "GET", "GET", "GET"])
      // The last read is made at the end of the wait, not later.
      expect(signer.signed.at(-1)).toBe(submittedAt + 8000)
    }).pipe(Effect.provide(client(transport.layer, signer.layer)), Effect.withRandom(Random.fixed([draw])))
  })
  }

  it("only an answer that may have been acted on is left to reconcile", () => {
    const lost = (mayHaveReachedServer: boolean) =>
      new Transport.TransportError({ reason: "Timeout", method: "POST", url: "https://x/y", mayHaveReachedServer, detail: "d" })
    const answered = (status: number) => new CallError.ServiceError({ status, code: "X", detail: "d", operation: "restore" })
    expect([lost(true), lost(false), answered(500), answered(503), answered(429), answered(403)].map(Reconcile.isAnswerLost))
      .toStrictEqual([true, false, true, true, false, false])
  })

  it("a job's progress reads as a percent", () => {
    expect(["45%", "0%", "100%", " 7 % ", "", "n/a", undefined].map(JobWatch.progressOf)).toStrictEqual([
      45,
      0,
      100,
      7,
      undefined,
      undefined,
      undefined
    ])
  })
})

// 25 restore tasks, j01 to j25, created just after the submission.
const many = Array.from({ length: 25 }, (_, i) => `j${String(i + 1).padStart(2, "0")}`)

/** A restore whose answer is lost, then whose task list shows `many`, on a ledger where `claimed` already hold theirs. */
const lostAmongMany = (claimed: ReadonlyArray<string>) => {
  const transport = lostAnswer("", () => json(200, JSON.stringify({ jobs: many.map((id) => task(id, "2026-11-20T12:00:01+0000")), total_count: many.length })))
  return Effect.gen(function*() {
    yield* TestClock.setTime(submittedAt)
    const ledger = yield* RestoreLedger.RestoreLedger
    const key = { endpoint, projectId, instanceId: "otherin02" }
    const lease = yield* ledger.acquire(key, { holder: "other", ttl: "1 minute", wait: "0 seconds" })
    for (const jobId of claimed) {
      const id = `s${jobId.slice(1)}`
      yield* ledger.record(lease, { id, key, holder: "other", at: submittedAt - 3_600_000, body: "{}", hash: "h", searchFrom: 0, before: [] })
      yield* ledger.settle(lease, id, RestoreLedger.Outcome.Submitted({ jobId, reconciled: false }))
    }
    yield* ledger.release(lease)
    const fiber = yield* Effect.fork(Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, {
      preflight: false,
      reconcile: { wait: "3 seconds", interval: "1 second" }
    })))
    yield* TestClock.adjust("1 minute")
    const error = yield* Fiber.join(fiber)
    const [entry] = (yield* ledger.recent(1)).filter((e) => e.key.instanceId === instanceId)
    return { error, entry }
  }).pipe(Effect.provide(withLedger(transport.layer)))
}

describe("an unknown outcome among many new tasks is bounded", () => {
  it.effect("25 new tasks, all other submissions' jobs: the first 10 are the candidates, the reason names 3 and counts the rest", () =>
    Effect.gen(function*() {
      const { entry, error } = yield* lostAmongMany(many)
      const ambiguity = "all 25 restore tasks new to it are already other submissions' jobs " +
        "(j01 of submission s01, j02 of submission s02, j03 of submission s03 and 22 more), " +
        "and the task list cannot tell whether it started one of them"
      const candidates = many.slice(0, 10)
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, candidates, ambiguity })
      expect(error.message).toContain(`Then its job is one of ${candidates.join(", ")}, and they cannot be told apart: ${ambiguity}.`)
      expect(entry?.outcome).toStrictEqual(RestoreLedger.Outcome.Unknown({ candidates, reason: ambiguity }))
    }))

  it.effect("25 new tasks that no submission holds: the first 10 by id are the candidates, and the reason says so", () =>
    Effect.gen(function*() {
      const { entry, error } = yield* lostAmongMany([])
      const ambiguity = "25 restore tasks new to it and held by no other submission showed up (the first 10 by id are the candidates)"
      const candidates = many.slice(0, 10)
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, candidates, ambiguity })
      expect(entry?.outcome).toStrictEqual(RestoreLedger.Outcome.Unknown({ candidates, reason: ambiguity }))
    }))

  it("an unknown outcome given more candidates (an older ledger's) names the first 10 and counts the rest", () => {
    const error = new Reconcile.RestoreOutcomeUnknown({ instanceId, submittedAt, searchedFrom: submittedAt, candidates: many, ambiguity: "why" })
    expect(error.message).toContain(`Then its job is one of ${many.slice(0, 10).join(", ")} and 15 more, and they cannot be told apart: why.`)
    expect(Reconcile.maxCandidates).toBe(10)
  })
})

describe("what an error quotes from elsewhere is bounded", () => {
  it.effect("an unsettled rival submission with a huge holder: the reason shows its first 200 characters, and what happened", () => {
    const holder = "h".repeat(1_000)
    const transport = recording(() =>
      Effect.succeed(json(200, JSON.stringify({ jobs: [task("the-job", "2026-11-20T12:00:01+0000")], total_count: 1 })))
    )
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      const ledger = yield* RestoreLedger.RestoreLedger
      const key = { endpoint, projectId, instanceId }
      const lease = yield* ledger.acquire(key, { holder, ttl: "1 minute", wait: "0 seconds" })
      yield* ledger.record(lease, { id: "rival", key, holder, at: submittedAt - 60_000, body: "{}", hash: "h", searchFrom: 0, before: [] })
      yield* ledger.release(lease)
      const fiber = yield* Effect.fork(Effect.flip((yield* RestoreClient.RestoreClient).reconcile(instanceId, submittedAt, { wait: "3 seconds" })))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      const ambiguity = `submission rival to this instance (${"h".repeat(200)}…, 2026-11-20T11:59:00.000Z) is not settled, and the task may be its job`
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, candidates: ["the-job"], ambiguity })
      expect(error.message).toContain(`Then its job is one of the-job, and they cannot be told apart: ${ambiguity}.`)
      expect(error.message.length).toBeLessThan(1_000)
    }).pipe(Effect.provide(withLedger(transport.layer)))
  })

  it.effect("a new task with a huge id that another submission holds: the reason and the message show its first 64 characters", () => {
    const jobId = "j".repeat(1_000)
    const shown = `${"j".repeat(64)}…`
    const transport = recording(() => Effect.succeed(json(200, JSON.stringify({ jobs: [task(jobId, "2026-11-20T12:00:01+0000")], total_count: 1 }))))
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      const ledger = yield* RestoreLedger.RestoreLedger
      const key = { endpoint, projectId, instanceId: "otherin02" }
      const lease = yield* ledger.acquire(key, { holder: "other", ttl: "1 minute", wait: "0 seconds" })
      yield* ledger.record(lease, { id: "s1", key, holder: "other", at: submittedAt - 3_600_000, body: "{}", hash: "h", searchFrom: 0, before: [] })
      yield* ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId, reconciled: false }))
      yield* ledger.release(lease)
      const fiber = yield* Effect.fork(Effect.flip((yield* RestoreClient.RestoreClient).reconcile(instanceId, submittedAt, { wait: "3 seconds" })))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      const ambiguity = `every restore task new to it is already another submission's job (${shown} of submission s1), ` +
        "and the task list cannot tell whether it started one of them"
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, candidates: [jobId], ambiguity })
      expect(error.message).toContain(`Then its job is one of ${shown}, and they cannot be told apart: ${ambiguity}.`)
      expect(error.message.length).toBeLessThan(1_000)
    }).pipe(Effect.provide(withLedger(transport.layer)))
  })

  it.effect("an instance whose lease a huge holder keeps: InstanceBusy shows its first 200 characters, and that nothing was sent", () => {
    const holder = "h".repeat(1_000)
    const transport = recording(() => Effect.succeed(json(200, noTasks)))
    return Effect.gen(function*() {
      yield* TestClock.setTime(submittedAt)
      yield* (yield* RestoreLedger.RestoreLedger).acquire({ endpoint, projectId, instanceId }, { holder, ttl: "1 minute", wait: "0 seconds" })
      const busy = yield* Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false, leaseWait: "0 seconds" }))
      expect([busy._tag, busy.message]).toStrictEqual([
        "InstanceBusy",
        `Instance ${instanceId} is busy: another submission (${"h".repeat(200)}…) holds its lease until 2026-11-20T12:01:00.000Z unless renewed, ` +
        "and it was not released within 0 ms. Nothing was sent; try again once that submission is settled (dds-restore ledger lists it)."
      ])
      expect(transport.requests).toStrictEqual([])
    }).pipe(Effect.provide(withLedger(transport.layer)))
  })

  it("a job another submission holds, both ids huge: JobClaimed shows the first 64 characters of each", () => {
    const claimed = new RestoreLedger.JobClaimed({ jobId: "j".repeat(1_000), submission: "s".repeat(1_000) })
    expect(claimed.message).toBe(`Job ${"j".repeat(64)}… is already the job of submission ${"s".repeat(64)}…; it was not given to another.`)
  })

  it("a job the ledger could not record, with a huge id: the message shows its first 64 characters, and what to do", () => {
    const jobId = "j".repeat(1_000)
    const ledgerFailure = new RestoreLedger.LedgerError({ ledger: "ledger.db", reason: "Failed", detail: "disk full" })
    const error = new RestoreLedger.JobNotRecorded({ instanceId, jobId, reconciled: false, submission: "s1", ledgerFailure })
    const shown = `${"j".repeat(64)}…`
    expect(error.message).toBe(
      `The restore on instance ${instanceId} created job ${shown}, but its outcome could not be recorded: ${ledgerFailure.message} ` +
        "The restore ledger does not know this job yet: run recover (dds-restore recover, RestoreClient.recover) once the ledger can be used, " +
        `to record it for submission s1, left unsettled. Do not submit the restore again: follow job ${shown} (dds-restore job ${shown} --wait, RestoreClient.waitForJob).`
    )
    expect(error.jobId).toBe(jobId)
  })
})
