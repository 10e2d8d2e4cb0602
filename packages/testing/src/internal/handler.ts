// One request through the fake service, in the order the real path takes it: the gateway (unknown
// API, latency, authentication with the signature date, throttling), then the service (5xx, the
// call itself), then the network (an answer lost on the way back). Every answer carries an
// `x-request-id` and the server's `date`.
import { DdsRequest, DdsResponse, SdkDate } from "@dds-restore/client"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Random from "effect/Random"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Authenticator from "../Authenticator.js"
import * as DroppedAnswer from "../DroppedAnswer.js"
import type * as Fault from "../Fault.js"
import type * as Seed from "../Seed.js"
import * as Iam from "./iam.js"
import * as Reads from "./reads.js"
import * as Restore from "./restore.js"
import { type Answer, error } from "./respond.js"
import * as Routes from "./routes.js"
import type * as S from "./state.js"

/** The fake's settings, with defaults filled in and durations in milliseconds. */
export interface Config {
  readonly timing: Restore.Timing
  readonly requireSigning: boolean
  readonly tokenLifetime: number
  readonly busyWhileRestoring: boolean
  readonly throttleRate: number
  readonly error5xxRate: number
  readonly dropRestoreAnswerRate: number
  readonly latency: Duration.Duration
  readonly delayRestoreAnswer: Duration.Duration
  readonly taskOrder: Reads.TaskOrder
}

/** What the handler works with. */
export interface Env {
  readonly ref: SynchronizedRef.SynchronizedRef<S.State>
  /** Job ids and tokens. */
  readonly ids: Random.Random
  /** Fault draws, apart from ids so that faults never shift the ids of a run. */
  readonly dice: Random.Random
  readonly seed: Seed.Seed
  readonly config: Config
}

const hex = (bytes: ReadonlyArray<number>): string => bytes.map((b) => b.toString(16).padStart(2, "0")).join("")

const randomBytes = (random: Random.Random, n: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.all(Array.from({ length: n }, () => random.nextIntBetween(0, 256)))

/** A version-4 UUID from the fake's seeded `Random`. */
const uuid = (random: Random.Random): Effect.Effect<string> =>
  Effect.map(randomBytes(random, 16), (bytes) => {
    const b = [...bytes]
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
    const h = hex(b)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  })

/** An opaque token in the shape IAM's look (`MII...`). */
const token = (random: Random.Random): Effect.Effect<string> =>
  Effect.map(randomBytes(random, 96), (bytes) => `MII${Buffer.from(bytes).toString("base64url")}`)

/** What happens to one call besides the call itself, fixed when it arrives. */
interface Mishaps {
  readonly requestId: string
  readonly latency: Duration.Duration
  readonly skew: number
  readonly throttle: boolean
  readonly serverError: number | undefined
  readonly drop: "Timeout" | "Connection" | undefined
}

const skewMillis = (fault: { readonly skew: Duration.DurationInput; readonly behind: boolean }): number =>
  (fault.behind ? -1 : 1) * Duration.toMillis(fault.skew)

/** Counts the call, takes the first pending fault meant for it, and draws the rated faults. */
const arrive = (env: Env, operation: Fault.Operation): Effect.Effect<Mishaps> =>
  SynchronizedRef.modifyEffect(env.ref, (state) =>
    Effect.gen(function*() {
      const { config, dice } = env
      const throttleDraw = config.throttleRate > 0 ? yield* dice.next : 1
      const errorDraw = config.error5xxRate > 0 ? yield* dice.next : 1
      const dropDraw = operation === "restore" && config.dropRestoreAnswerRate > 0 ? yield* dice.next : 1
      const index = state.faults.findIndex((f) => f.operation === undefined || f.operation === operation)
      const pending = state.faults[index]
      const injected = pending?.fault
      const faults = pending === undefined
        ? state.faults
        : pending.remaining > 1
        ? state.faults.map((f, i) => (i === index ? { ...f, remaining: f.remaining - 1 } : f))
        : state.faults.filter((_, i) => i !== index)
      const requestCount = state.requestCount + 1
      const mishaps: Mishaps = {
        requestId: requestCount.toString(16).padStart(32, "0"),
        latency: injected?._tag === "Latency" ? Duration.sum(config.latency, injected.duration) : config.latency,
        skew: state.clockSkew + (injected?._tag === "ClockSkew" ? skewMillis(injected) : 0),
        throttle: injected?._tag === "Throttle" || throttleDraw < config.throttleRate,
        serverError: injected?._tag === "ServerError"
          ? injected.status
          : errorDraw < config.error5xxRate
          ? 500
          : undefined,
        drop: injected?._tag === "DropAnswer" ? injected.reason : dropDraw < config.dropRestoreAnswerRate ? "Timeout" : undefined
      }
      const next: S.State = {
        ...state,
        faults,
        requestCount,
        requests: { ...state.requests, [operation]: (state.requests[operation] ?? 0) + 1 },
        iamCalls: state.iamCalls + (operation === "iamToken" ? 1 : 0)
      }
      return [mishaps, next] as const
    }))

const unauthenticated = (refusal: Authenticator.Unauthenticated, requestId: string): Answer =>
  error(401, refusal.code, refusal.message, requestId)

/**
 * The gateway's authentication: a live token for `x-auth-token`, a signature date within 15
 * minutes of the server's clock, then the authenticator.
 */
const authenticate = (
  env: Env,
  request: DdsRequest.DdsRequest,
  serverNow: number,
  requestId: string,
  authenticator: Authenticator.Authenticator
): Effect.Effect<Answer | undefined> =>
  Effect.gen(function*() {
    const authToken = request.headers["x-auth-token"]
    if (authToken !== undefined) {
      const state = yield* SynchronizedRef.get(env.ref)
      return Iam.isLive(state.tokens, authToken, serverNow)
        ? undefined
        : unauthenticated(
          new Authenticator.Unauthenticated({
            code: "APIGW.0301",
            detail: "the X-Auth-Token is expired, revoked or was not issued by IAM: obtain a new token"
          }),
          requestId
        )
    }
    const date = request.headers["x-sdk-date"]
    if (date !== undefined) {
      const signedAt = SdkDate.parse(date)
      if (signedAt === undefined) {
        return unauthenticated(
          new Authenticator.Unauthenticated({ code: "APIGW.0301", detail: `x-sdk-date "${date}" is not YYYYMMDDTHHMMSSZ` }),
          requestId
        )
      }
      if (Math.abs(serverNow - signedAt) > SdkDate.maxClockSkewMillis) {
        return unauthenticated(
          new Authenticator.Unauthenticated({
            code: "APIGW.0301",
            detail: `calc aksk signature fail:signature expired, signature time:${date},server time:${SdkDate.format(serverNow)}`
          }),
          requestId
        )
      }
    }
    return yield* authenticator(request).pipe(
      Effect.as(undefined),
      Effect.catchTag("Unauthenticated", (refusal) => Effect.succeed(unauthenticated(refusal, requestId)))
    )
  })

const throttled = (requestId: string): Answer =>
  error(
    429,
    "APIGW.0308",
    "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 minute",
    requestId
  )

type ReadOperation = Exclude<Fault.Operation, "restore" | "iamToken" | "unknown">

// Each read the service answers from its state alone, by its operation.
const reads: { readonly [O in ReadOperation]: (read: Reads.Read) => Answer } = {
  restoreTime: Reads.restoreTimes,
  restoreDatabases: Reads.restoreDatabases,
  restoreCollections: Reads.restoreCollections,
  instances: Reads.instances,
  backupPolicy: Reads.backupPolicy,
  job: Reads.job,
  tasks: Reads.tasks
}

const isRead = (operation: Fault.Operation): operation is ReadOperation => Object.hasOwn(reads, operation)

/** The call itself, once the gateway has let it through. */
const serve = (
  env: Env,
  request: DdsRequest.DdsRequest,
  route: Routes.Route,
  now: number,
  requestId: string
): Effect.Effect<Answer> => {
  const readOf = (state: S.State): Reads.Read =>
    ({ state, now, route, request, busyWhileRestoring: env.config.busyWhileRestoring, taskOrder: env.config.taskOrder })
  const operation = route.operation
  if (isRead(operation)) return Effect.map(SynchronizedRef.get(env.ref), (state) => reads[operation](readOf(state)))
  switch (operation) {
    case "restore":
      return SynchronizedRef.modifyEffect(env.ref, (state) => {
        const submission = Restore.submit(readOf(state), env.config.timing)
        return submission._tag === "Refused"
          ? Effect.succeed([submission.answer, state] as const)
          : Effect.map(uuid(env.ids), submission.accept)
      })
    case "iamToken":
      return SynchronizedRef.modifyEffect(env.ref, (state) => {
        const checked = Iam.check(request, env.seed)
        if (checked._tag === "Refused") return Effect.succeed([checked.answer, state] as const)
        return Effect.map(token(env.ids), (value) => {
          const record: S.TokenRecord = {
            token: value,
            user: checked.user.name,
            expiresAt: now + env.config.tokenLifetime,
            revoked: false
          }
          return [Iam.issued(record, now, checked.user, state.projectId), { ...state, tokens: [...state.tokens, record] }] as const
        })
      })
    case "unknown":
      return Effect.succeed(
        error(
          404,
          "APIGW.0101",
          `The API does not exist or has not been published: ${request.method} ${DdsRequest.path(request)}`,
          requestId
        )
      )
  }
}

/** The whole behaviour of the service for one request. */
export const handle = (
  env: Env,
  request: DdsRequest.DdsRequest,
  authenticator: Authenticator.Authenticator | undefined
): Effect.Effect<DdsResponse.DdsResponse, DroppedAnswer.DroppedAnswer> =>
  Effect.gen(function*() {
    const route = Routes.match(request)
    const mishaps = yield* arrive(env, route.operation)
    if (Duration.greaterThan(mishaps.latency, Duration.zero)) yield* Effect.sleep(mishaps.latency)
    const now = yield* Clock.currentTimeMillis
    const serverNow = now + mishaps.skew
    const answer = yield* Effect.gen(function*() {
      if (route.operation === "unknown") return yield* serve(env, request, route, now, mishaps.requestId)
      if (route.operation !== "iamToken") {
        const refusal = yield* authenticate(
          env,
          request,
          serverNow,
          mishaps.requestId,
          authenticator ?? (env.config.requireSigning ? Authenticator.requireSignature : Authenticator.acceptAll)
        )
        if (refusal !== undefined) return refusal
      }
      if (mishaps.throttle) return throttled(mishaps.requestId)
      if (mishaps.serverError !== undefined) {
        return error(mishaps.serverError, "DBS.200000", "Internal server error: the service failed to process the request, try again later")
      }
      return yield* serve(env, request, route, now, mishaps.requestId)
    })
    // The restore is done; only its answer is late, so that a caller can die before hearing it.
    if (route.operation === "restore" && Duration.greaterThan(env.config.delayRestoreAnswer, Duration.zero)) {
      yield* Effect.sleep(env.config.delayRestoreAnswer)
    }
    if (mishaps.drop !== undefined) return yield* Effect.fail(DroppedAnswer.make(request, mishaps.drop))
    return DdsResponse.make({
      status: answer.status,
      headers: { ...answer.headers, "x-request-id": mishaps.requestId, date: new Date(serverNow).toUTCString() },
      body: answer.body
    })
  })
