// The README's "Test with the in-memory fake" layer, verbatim, driven the way a team's test drives it.
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import { DemoFixture, FakeDds, Fault } from "../src/index.js"

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0)

const TestDds = (now: number) =>
  // --- the README example, unchanged except for `Date.now()` -----------------------------------
  RestoreClient.layer().pipe(
    Layer.provideMerge(FakeDds.layerMemory(DemoFixture.make(now), { jobDuration: "10 seconds" })),
    Layer.provide(AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey })),
    Layer.provide(DdsConfig.layer({ projectId: DemoFixture.projectId, endpoint: "https://dds.example.test" }))
  )

const plan = RestorePlan.make([
  RestorePlan.collections("shop", [
    RestorePlan.collection({ oldName: "orders", newName: "orders_readme", at: NOW - 3_600_000 })
  ])
])

const run = <A, E>(effect: Effect.Effect<A, E, RestoreClient.RestoreClient | FakeDds.FakeDds>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(TestDds(NOW).pipe(Layer.orDie)))

describe("the README's in-memory fake", () => {
  it.effect("a restore moves from invisible to Running to Completed as the TestClock advances", () =>
    run(Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const { jobId, reconciled } = yield* dds.restore(DemoFixture.ordersInstanceId, plan)
      expect(reconciled).toBe(false)
      const waiting = yield* Effect.fork(dds.waitForJob(jobId))
      yield* TestClock.adjust("1 minute")
      const job = yield* Fiber.join(waiting)
      expect(job.id).toBe(jobId)
      expect(job.status).toBe("Completed")
      const fake = yield* FakeDds.FakeDds
      const orders = (yield* fake.stateJson()).instances.find((i) => i.id === DemoFixture.ordersInstanceId)
      expect(orders?.databases.find((d) => d.name === "shop")?.collections).toContain("orders_readme")
    })))

  it.effect("a lost restore answer is settled from the task list, and the fake holds exactly one job", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      yield* fake.injectFault({ operation: "restore", fault: Fault.dropAnswer() })
      const dds = yield* RestoreClient.RestoreClient
      const submitting = yield* Effect.fork(dds.restore(DemoFixture.ordersInstanceId, plan))
      yield* TestClock.adjust("1 minute")
      const submission = yield* Fiber.join(submitting)
      expect(submission.reconciled).toBe(true)
      const jobs = yield* fake.jobs
      expect(jobs.map((job) => job.id)).toEqual([submission.jobId])
    })))
})
