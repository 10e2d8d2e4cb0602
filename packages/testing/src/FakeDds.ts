/**
 * `FakeDds`: a stateful model of the DDS restore service that behaves like the service, not like
 * a mock. It keeps instances, restorable windows, databases and collections over time, and
 * restore jobs that become visible, run and end on the Effect `Clock` (so `TestClock` drives
 * them); it answers every call of the restore API with the service's bodies and errors, checks
 * authentication like the gateway, and misbehaves on request. `layerMemory` gives the client's
 * `Transport` over it.
 *
 * @since 0.1.0
 */
import { type DdsRequest, type DdsResponse, Transport } from "@dds-restore/client"
import { Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as Authenticator from "./Authenticator.js"
import * as DroppedAnswer from "./DroppedAnswer.js"
import type * as Fault from "./Fault.js"
import * as Handler from "./internal/handler.js"
import * as S from "./internal/state.js"
import type * as Seed from "./Seed.js"

/**
 * How the fake behaves, beyond its seed.
 *
 * - `jobVisibleAfter`: how long a new job answers 404 (default 3 seconds).
 * - `jobDuration`: from submission to the job's end (default 1 minute).
 * - `randomSeed`: seeds the ids and the fault draws (default: the seed's project id), so the same
 *   seed and the same calls give the same job ids.
 * - `faults`: faults at a rate (see `Fault.Rates`).
 * - `requireSigning`: refuse unsigned requests with 401 `APIGW.0301` (default true).
 * - `tokenLifetime`: how long an IAM token lives (default 24 hours).
 * - `busyWhileRestoring`: an instance shows a `RESTORE` action, and refuses another restore, while
 *   a restore job runs on it (default true).
 * - `taskOrder`: the order of the task list (see `TaskOrder`; default newest first).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly jobVisibleAfter?: Duration.DurationInput
  readonly jobDuration?: Duration.DurationInput
  readonly randomSeed?: string | number
  readonly faults?: Fault.Rates
  readonly requireSigning?: boolean
  readonly tokenLifetime?: Duration.DurationInput
  readonly busyWhileRestoring?: boolean
  readonly taskOrder?: TaskOrder
}

/**
 * The order of the task list: newest first (the default), oldest first, or shuffled (an order
 * that changes whenever the listing's tasks change, the same for every page of one listing).
 * Nothing a caller does may depend on it.
 *
 * @since 0.2.0
 */
export type TaskOrder = "newest-first" | "oldest-first" | "shuffled"

/**
 * Every task-list order, for tests that run under each.
 *
 * @since 0.2.0
 */
export const taskOrders: ReadonlyArray<TaskOrder> = ["newest-first", "oldest-first", "shuffled"]

/**
 * Per-call settings of `handle`: `authenticate` replaces the default signature presence check (the
 * emulator verifies AK/SK signatures with it). Tokens and the signature date are checked first,
 * whatever the authenticator.
 *
 * @since 0.1.0
 */
export interface HandleOptions {
  readonly authenticate?: Authenticator.Authenticator
}

/**
 * A restore job as a test sees it, including one not yet visible to the API.
 *
 * @since 0.1.0
 */
export interface Job {
  readonly id: string
  readonly name: string
  readonly status: "Running" | "Completed" | "Failed"
  /** Whether `GET jobs?id=` and the task list show it yet. */
  readonly visible: boolean
  readonly instanceId: string
  readonly instanceName: string
  /** `"45%"` while running. */
  readonly progress: string | undefined
  readonly createdAt: number
  readonly endedAt: number | undefined
  readonly failReason: string | undefined
  /** The collections the job creates (or created) when it completes. */
  readonly restored: ReadonlyArray<{ readonly database: string; readonly collection: string; readonly from: string }>
}

/**
 * The fake's state as plain JSON (what the emulator's `GET /_emulator/state` serves). It shows the
 * fake's own AK/SK secrets, which exist only to sign requests to this fake.
 *
 * @since 0.1.0
 */
export interface StateJson {
  readonly project_id: string
  readonly region: string
  readonly credentials: ReadonlyArray<{ readonly access_key_id: string; readonly secret_access_key: string }>
  readonly users: ReadonlyArray<{ readonly name: string; readonly domain: string }>
  readonly instances: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly mode: string
    readonly status: string
    readonly version: string
    readonly actions: ReadonlyArray<string>
    readonly incremental_backup: boolean
    readonly windows: ReadonlyArray<{ readonly start_time: number; readonly end_time: number }>
    readonly databases: ReadonlyArray<{ readonly name: string; readonly collections: ReadonlyArray<string> }>
  }>
  readonly jobs: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly status: string
    readonly visible: boolean
    readonly instance_id: string
    readonly instance_name: string
    readonly progress: string | null
    readonly created_at: number
    readonly ended_at: number | null
    readonly fail_reason: string | null
    /** The collections the job creates (or created) when it completes, as `database.collection`; none when it fails. */
    readonly restores: ReadonlyArray<string>
  }>
  readonly requests: Readonly<Record<string, number>>
  readonly iam_calls: number
}

/**
 * What can be changed on a running fake's instance.
 *
 * @since 0.1.0
 */
export interface InstancePatch {
  readonly status?: typeof Seed.Status.Type
  readonly actions?: ReadonlyArray<string>
  readonly incrementalBackup?: boolean
  readonly restoreFailure?: string
}

/**
 * The fake service: its behaviour over requests, fault injection, and inspection for tests.
 *
 * @since 0.1.0
 */
export class FakeDds extends Context.Tag("@dds-restore/testing/FakeDds")<
  FakeDds,
  {
    /** The service's whole HTTP-level behaviour for one request; a lost answer fails with `DroppedAnswer`. */
    readonly handle: (
      request: DdsRequest.DdsRequest,
      options?: HandleOptions
    ) => Effect.Effect<DdsResponse.DdsResponse, DroppedAnswer.DroppedAnswer>
    /** `handle` as a `Transport` sends: a lost answer is a `TransportError` that may have reached the server. */
    readonly send: (request: DdsRequest.DdsRequest) => Effect.Effect<DdsResponse.DdsResponse, Transport.TransportError>
    /** A fault for the next matching calls (once unless `times`). */
    readonly injectFault: (injection: Fault.Injection) => Effect.Effect<void>
    /** The next restore the service accepts fails with `reason`. */
    readonly failNextRestore: (reason: string) => Effect.Effect<void>
    /** Sets the server's clock ahead of (or `behind`) the Effect Clock, for the signature check. */
    readonly setClockSkew: (skew: Duration.DurationInput, options?: { readonly behind?: boolean }) => Effect.Effect<void>
    /** Changes an instance (status, running actions, incremental backup, a failure rule); dies on an unknown id. */
    readonly updateInstance: (instanceId: string, patch: InstancePatch) => Effect.Effect<void>
    /** Revokes every IAM token issued so far. */
    readonly revokeTokens: () => Effect.Effect<void>
    /** Every restore job, visible or not, in order of submission. */
    readonly jobs: Effect.Effect<ReadonlyArray<Job>>
    /** How many calls arrived, per operation. */
    readonly requests: Effect.Effect<Readonly<Partial<Record<Fault.Operation, number>>>>
    /** How many IAM token calls arrived. */
    readonly iamCalls: Effect.Effect<number>
    /** The state as plain JSON (what the emulator serves on `GET /_emulator/state`). */
    readonly stateJson: () => Effect.Effect<StateJson>
    /** The seed the fake started from. */
    readonly seed: Seed.Seed
  }
>() {}

const millis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

const jobOf = (job: S.JobRecord, now: number): Job => {
  const at = S.phase(job, now)
  return {
    id: job.id,
    name: Wire.RESTORE_TASK_NAME,
    status: S.statusOf(at),
    visible: at._tag !== "Invisible",
    instanceId: job.instanceId,
    instanceName: job.instanceName,
    progress: at._tag === "Running" ? `${at.progress}%` : at._tag === "Invisible" ? "0%" : undefined,
    createdAt: job.createdAt,
    endedAt: at._tag === "Completed" || at._tag === "Failed" ? at.endedAt : undefined,
    failReason: at._tag === "Failed" ? at.reason : undefined,
    restored: job.outcome._tag === "Completed"
      ? job.outcome.restored.map((r) => ({ database: r.database, collection: r.name, from: r.source }))
      : []
  }
}

/**
 * A fake service from a seed. Time is read from the Effect `Clock` of each call.
 *
 * @since 0.1.0
 */
export const make = (seed: Seed.Seed, options: Options = {}): Effect.Effect<FakeDds["Type"]> =>
  Effect.gen(function*() {
    const rates = options.faults ?? {}
    const skew = rates.clockSkew === undefined ? 0 : (rates.clockSkewBehind === true ? -1 : 1) * millis(rates.clockSkew)
    const ref = yield* SynchronizedRef.make<S.State>({
      projectId: seed.projectId,
      instances: seed.instances,
      jobs: [],
      tokens: [],
      faults: [],
      failNext: [],
      requests: {},
      iamCalls: 0,
      requestCount: 0,
      clockSkew: skew
    })
    const randomSeed = options.randomSeed ?? seed.projectId
    const env: Handler.Env = {
      ref,
      ids: Random.make(`${randomSeed}/ids`),
      dice: Random.make(`${randomSeed}/faults`),
      seed,
      config: {
        timing: {
          visibleAfter: millis(options.jobVisibleAfter ?? "3 seconds"),
          duration: millis(options.jobDuration ?? "1 minute")
        },
        requireSigning: options.requireSigning ?? true,
        tokenLifetime: millis(options.tokenLifetime ?? "24 hours"),
        busyWhileRestoring: options.busyWhileRestoring ?? true,
        throttleRate: rates.throttle ?? 0,
        error5xxRate: rates.error5xx ?? 0,
        dropRestoreAnswerRate: rates.dropRestoreAnswer ?? 0,
        latency: Duration.decode(rates.latency ?? Duration.zero),
        delayRestoreAnswer: Duration.decode(rates.delayRestoreAnswer ?? Duration.zero),
        taskOrder: options.taskOrder ?? "newest-first"
      }
    }
    const now = Clock.currentTimeMillis
    const handle = (request: DdsRequest.DdsRequest, handleOptions: HandleOptions = {}) =>
      Handler.handle(env, request, handleOptions.authenticate)

    const update = (f: (state: S.State) => S.State) => SynchronizedRef.update(ref, f)

    return FakeDds.of({
      handle,
      send: (request) => handle(request).pipe(Effect.mapError(DroppedAnswer.toTransportError)),
      injectFault: (injection) =>
        update((state) => ({
          ...state,
          faults: [
            ...state.faults,
            { operation: injection.operation, remaining: Math.max(1, injection.times ?? 1), fault: injection.fault }
          ]
        })),
      failNextRestore: (reason) => update((state) => ({ ...state, failNext: [...state.failNext, reason] })),
      setClockSkew: (by, skewOptions = {}) =>
        update((state) => ({ ...state, clockSkew: (skewOptions.behind === true ? -1 : 1) * millis(by) })),
      updateInstance: (instanceId, patch) =>
        SynchronizedRef.updateEffect(ref, (state) =>
          state.instances.some((i) => i.id === instanceId)
            ? Effect.succeed({
              ...state,
              instances: state.instances.map((i) =>
                i.id === instanceId
                  ? {
                    ...i,
                    ...(patch.status === undefined ? {} : { status: patch.status }),
                    ...(patch.actions === undefined ? {} : { actions: patch.actions }),
                    ...(patch.restoreFailure === undefined ? {} : { restoreFailure: patch.restoreFailure }),
                    backupPolicy: {
                      ...i.backupPolicy,
                      incrementalBackup: patch.incrementalBackup ?? i.backupPolicy.incrementalBackup
                    }
                  }
                  : i
              )
            })
            : Effect.dieMessage(`FakeDds.updateInstance: the seed has no instance ${instanceId}`)),
      revokeTokens: () => update((state) => ({ ...state, tokens: state.tokens.map((t) => ({ ...t, revoked: true })) })),
      jobs: Effect.map(Effect.zip(SynchronizedRef.get(ref), now), ([state, at]) => state.jobs.map((j) => jobOf(j, at))),
      requests: Effect.map(SynchronizedRef.get(ref), (state) => ({ ...state.requests })),
      iamCalls: Effect.map(SynchronizedRef.get(ref), (state) => state.iamCalls),
      stateJson: () =>
        Effect.map(Effect.zip(SynchronizedRef.get(ref), now), ([state, at]) => stateJsonOf(seed, state, at, env.config)),
      seed
    })
  })

const stateJsonOf = (seed: Seed.Seed, state: S.State, now: number, config: Handler.Config): StateJson => ({
  project_id: seed.projectId,
  region: seed.region,
  credentials: seed.credentials.map((c) => ({
    access_key_id: c.accessKeyId,
    // The fake's own credentials: the emulator's state page shows them so a demo can sign with them.
    secret_access_key: Redacted.value(c.secretAccessKey)
  })),
  users: seed.users.map((u) => ({ name: u.name, domain: u.domain })),
  instances: state.instances.map((instance) => ({
    id: instance.id,
    name: instance.name,
    mode: instance.mode,
    status: instance.status,
    version: instance.version,
    actions: S.actionsAt(state, instance, now, config.busyWhileRestoring),
    incremental_backup: instance.backupPolicy.incrementalBackup,
    windows: S.windowsOf(instance, now).map((w) => ({ start_time: w.start, end_time: w.end })),
    databases: S.databasesAt(state, instance, now).map((name) => ({
      name,
      collections: S.collectionsAt(state, instance, name, now)
    }))
  })),
  jobs: state.jobs.map((record) => {
    const job = jobOf(record, now)
    return {
      id: job.id,
      name: job.name,
      status: job.status,
      visible: job.visible,
      instance_id: job.instanceId,
      instance_name: job.instanceName,
      progress: job.progress ?? null,
      created_at: job.createdAt,
      ended_at: job.endedAt ?? null,
      fail_reason: job.failReason ?? null,
      restores: job.restored.map((r) => `${r.database}.${r.collection}`)
    }
  }),
  requests: { ...state.requests },
  iam_calls: state.iamCalls
})

/**
 * A layer providing a `FakeDds` built from a seed.
 *
 * @since 0.1.0
 */
export const layer = (seed: Seed.Seed, options: Options = {}): Layer.Layer<FakeDds> =>
  Layer.effect(FakeDds, make(seed, options))

/**
 * The client's `Transport` over an in-memory `FakeDds`, and the `FakeDds` itself so that a test
 * can inspect it and inject faults. A lost answer is a `TransportError` with
 * `mayHaveReachedServer: true`.
 *
 * @since 0.1.0
 */
export const layerMemory = (seed: Seed.Seed, options: Options = {}): Layer.Layer<FakeDds | Transport.Transport> =>
  Layer.effectContext(
    Effect.map(make(seed, options), (fake) =>
      Context.make(FakeDds, fake).pipe(Context.add(Transport.Transport, Transport.make(fake.send))))
  )
