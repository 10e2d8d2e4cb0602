// The in-memory side of the workflow tests: the instant the TestClock starts at, a RestoreClient over
// FakeDds.layerMemory signed with AK/SK as a team would wire it, running a workload to its end while
// the TestClock moves past every wait, and the suite's harness made of them.
import { DdsConfig, RestoreClient, type RetryPolicy, Transport } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import { it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { FakeDds, type Seed } from "../../src/index.js"
import { credentials, type Harness, type Sent, recording } from "./suite/index.js"

export { credentials, DAY, HOUR, MINUTE, SECOND } from "./suite/index.js"

/** 2026-11-20T12:00:00Z: where the TestClock starts. */
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0)

export const ENDPOINT = "https://dds.cn-north-4.myhuaweicloud.com"

/** The DdsConfig of a seed's project, at the public endpoint the in-memory fake answers for. */
export const configOf = (seed: Seed.Seed): Layer.Layer<DdsConfig.DdsConfig> =>
  Layer.orDie(DdsConfig.layer({ projectId: seed.projectId, endpoint: ENDPOINT }))

/** A client over the fake, signed with AK/SK; the FakeDds stays in context for the test to inspect. */
export const clientOver = (
  seed: Seed.Seed,
  fake: FakeDds.Options = {},
  retryPolicy?: RetryPolicy.Options
): Layer.Layer<RestoreClient.RestoreClient | FakeDds.FakeDds> =>
  RestoreClient.layer({ retryPolicy }).pipe(
    Layer.provide(Layer.merge(AkSkSigner.layer(credentials), configOf(seed))),
    Layer.provideMerge(FakeDds.layerMemory(seed, fake))
  )

/** Runs a test's body at NOW on the TestClock. */
export const atNow = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.zipRight(TestClock.setTime(NOW), effect)

/** Runs a workload to its end while the TestClock moves `by` past every wait it makes. */
export const settled = <A, E, R>(effect: Effect.Effect<A, E, R>, by: Duration.DurationInput = "3 hours") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(by)
    return yield* Fiber.join(fiber)
  })

/** The workflow suite over FakeDds.layerMemory, on the TestClock from NOW, with the client's own waits. */
export const inMemory: Harness = {
  name: "in memory (FakeDds.layerMemory, TestClock)",
  exact: true,
  it: (name, body, timeout) => it.scoped(name, body, timeout),
  now: Effect.as(TestClock.setTime(NOW), NOW),
  client: (seed, options = {}) =>
    Effect.sync(() => {
      const sent: Array<Sent> = []
      const recorded = Layer.effect(Transport.Transport, Effect.map(FakeDds.FakeDds, (fake) => recording(fake, sent)))
      const layer = RestoreClient.layer({ retryPolicy: options.retryPolicy }).pipe(
        Layer.provide(Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), recorded)),
        Layer.provideMerge(FakeDds.layer(seed, { ...inMemory.timing.jobs, ...options.fake }))
      )
      return { sent, layer }
    }),
  tokenClient: (seed, user) =>
    Effect.succeed(
      // IAM and DDS both answer through the fake's in-memory Transport, as they would through HTTP.
      RestoreClient.layer().pipe(
        Layer.provide(Layer.merge(
          TokenSigner.layer.pipe(Layer.provide(TokenProvider.layer({
            endpoint: "https://iam.cn-north-4.myhuaweicloud.com",
            userName: user.name,
            domainName: user.domain,
            password: Redacted.make(user.password),
            project: { name: "cn-north-4" }
          }))),
          configOf(seed)
        )),
        Layer.provideMerge(FakeDds.layerMemory(seed)),
        Layer.orDie
      )
    ),
  settled: (effect) => settled(effect),
  timing: {
    jobs: { jobVisibleAfter: "3 seconds", jobDuration: "1 minute" },
    watch: {},
    retryPolicy: {},
    reconcile: { interval: "3 seconds", wait: "60 seconds" }
  },
  crowd: 1000,
  fleet: { size: 50, requestsPerSecond: 10 }
}
