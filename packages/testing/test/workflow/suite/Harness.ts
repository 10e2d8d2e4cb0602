// What the workflow suite needs from the service it runs against, so that each scenario is written
// once and run over FakeDds.layerMemory under TestClock (packages/testing) and over the emulator on
// 127.0.0.1 with HttpTransport in real time (packages/emulator), as @effect/platform tests every
// KeyValueStore with one function.
import { type JobWatch, type RestoreClient, type RetryPolicy, Transport } from "@dds-restore/client"
import type { AkSkSigner } from "@dds-restore/signer-aksk"
import { type FakeDds, Seed } from "@dds-restore/testing"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** The AK/SK the scenarios sign with; every seed of the suite holds it, so the emulator's gateway accepts it. */
export const credentials: AkSkSigner.Credentials = {
  accessKeyId: "WORKFLOWTESTAK0000000",
  secretAccessKey: Redacted.make("workflow-test-secret-key-000000000000000")
}

/** A seed of the suite's instances, with the suite's credentials. */
export const seedOf = (fields: Omit<Parameters<typeof Seed.make>[0], "credentials">): Seed.Seed =>
  Seed.make({ ...fields, credentials: [credentials] })

/** One request as it went out: when (Clock time), its method, and the status of its answer (none when lost). */
export interface Sent {
  readonly at: number
  readonly method: string
  readonly status: number | undefined
}

/** A Transport that records every request `transport` sends into `sent`. */
export const recording = (transport: Transport.Transport["Type"], sent: Array<Sent>): Transport.Transport["Type"] =>
  Transport.make((request) =>
    Effect.flatMap(Clock.currentTimeMillis, (at) =>
      transport.send(request).pipe(
        Effect.tap((response) => Effect.sync(() => sent.push({ at, method: request.method, status: response.status }))),
        Effect.tapError(() => Effect.sync(() => sent.push({ at, method: request.method, status: undefined })))
      ))
  )

/** The most requests sent in any half-open window [t, t + width), t any send time; width 1 s by default. */
export const busiestWindow = (times: ReadonlyArray<number>, width: number = SECOND): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Infinity) < (sorted[i] ?? 0) + width) j++
    most = Math.max(most, j - i)
  }
  return most
}

/** What of the fake a scenario may set: the emulator takes these too. */
export type FakeOptions = Pick<FakeDds.Options, "faults" | "jobDuration" | "jobVisibleAfter" | "busyWhileRestoring" | "taskOrder">

/** A client over a fresh fake, the fake itself in context, and every request it sent. */
export interface Observed {
  readonly layer: Layer.Layer<RestoreClient.RestoreClient | FakeDds.FakeDds>
  readonly sent: ReadonlyArray<Sent>
}

/** The waits of a harness: the defaults on the TestClock, a few milliseconds in real time. */
export interface Timing {
  /** How soon the fake shows a new job, and how long a job runs. */
  readonly jobs: { readonly jobVisibleAfter: Duration.DurationInput; readonly jobDuration: Duration.DurationInput }
  readonly watch: JobWatch.Options
  readonly retryPolicy: RetryPolicy.Options
  readonly reconcile: { readonly interval: Duration.DurationInput; readonly wait: Duration.DurationInput }
}

/** The IAM user of the token scenarios. */
export interface IamUser {
  readonly name: string
  readonly domain: string
  readonly password: string
}

export interface Harness {
  /** Named in the test titles: "in memory" or "over HTTP". */
  readonly name: string
  /**
   * True on the TestClock: time, the days the client reads and the fake's draws are the same on
   * every run, so a scenario also asserts its exact schedule, messages and request counts.
   */
  readonly exact: boolean
  /**
   * Registers one scenario, under the TestClock or in real time; `timeout` (ms) widens vitest's
   * bound for a scenario whose work is large (the crowd), so a busy machine does not fail it.
   */
  readonly it: (name: string, body: () => Effect.Effect<void, unknown, Scope.Scope>, timeout?: number) => void
  /** The instant the scenario's seed and plans are written around. */
  readonly now: Effect.Effect<number>
  /**
   * A client signed with `credentials` over a fresh fake of `seed` (its jobs timed by `timing.jobs`
   * unless `fake` says otherwise), recording what it sends.
   */
  readonly client: (
    seed: Seed.Seed,
    options?: { readonly fake?: FakeOptions; readonly retryPolicy?: RetryPolicy.Options }
  ) => Effect.Effect<Observed, never, Scope.Scope>
  /** A client that signs with IAM tokens of `user`, from the fake's own IAM call. */
  readonly tokenClient: (
    seed: Seed.Seed,
    user: IamUser
  ) => Effect.Effect<Layer.Layer<RestoreClient.RestoreClient | FakeDds.FakeDds>, never, Scope.Scope>
  /** Runs a workload to its end: the TestClock moved past its every wait, or real time let pass. */
  readonly settled: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly timing: Timing
  /** How many callers a crowd scenario runs at once. */
  readonly crowd: number
  /** The instances of restoreMany's fleet, and the request rate it is held to. */
  readonly fleet: { readonly size: number; readonly requestsPerSecond: number }
}
