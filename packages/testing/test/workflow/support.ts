// What the workflow tests share: the instant the TestClock starts at, a RestoreClient over
// FakeDds.layerMemory signed with AK/SK as a team would wire it, and running a workload to its end
// while the TestClock moves past every wait.
import { DdsConfig, RestoreClient, type RetryPolicy, Transport } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { FakeDds, type Seed } from "../../src/index.js"

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** 2026-11-20T12:00:00Z: where the TestClock starts. */
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0)

export const ENDPOINT = "https://dds.cn-north-4.myhuaweicloud.com"

/** Credentials of this test only: the fake checks that a request is signed and dated, not the HMAC. */
export const credentials: AkSkSigner.Credentials = {
  accessKeyId: "WORKFLOWTESTAK0000000",
  secretAccessKey: Redacted.make("workflow-test-secret-key-000000000000000")
}

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

/** One request as the transport saw it: when it was sent (Clock time), and the status of its answer. */
export interface Sent {
  readonly at: number
  readonly status: number | undefined
}

/** A client over the fake whose every request is also recorded, with its time and its answer's status. */
export const observedClientOver = (seed: Seed.Seed, fake: FakeDds.Options = {}, retryPolicy?: RetryPolicy.Options) => {
  const sent: Array<Sent> = []
  const observed = Layer.effect(
    Transport.Transport,
    Effect.map(FakeDds.FakeDds, (service) =>
      Transport.make((request) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) =>
          service.send(request).pipe(
            Effect.tap((response) => Effect.sync(() => sent.push({ at, status: response.status }))),
            Effect.tapError(() => Effect.sync(() => sent.push({ at, status: undefined })))
          ))
      ))
  )
  const layer = RestoreClient.layer({ retryPolicy }).pipe(
    Layer.provide(Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), observed)),
    Layer.provideMerge(FakeDds.layer(seed, fake))
  )
  return { sent, layer }
}

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
