/**
 * The one path every `RestoreClient` call takes: build the request, sign it under the clock the
 * gateway agrees with, send it, turn an error answer into a `ServiceError`, recover once from an
 * authentication refusal, retry what is safe to repeat, and decode the answer.
 */
import { Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { type CallError, ResponseDecodeError, ServiceError } from "../CallError.js"
import * as DdsConfig from "../DdsConfig.js"
import * as DdsRequest from "../DdsRequest.js"
import * as DdsResponse from "../DdsResponse.js"
import * as JsonText from "../JsonText.js"
import * as RetryPolicy from "../RetryPolicy.js"
import { Signer, type SignerError } from "../Signer.js"
import * as SdkDate from "../SdkDate.js"
import { Transport, type TransportError } from "../Transport.js"
import * as Pacer from "./pacer.js"
import { clip } from "./segment.js"

/** One call to the API, before it is built into a request. */
export interface Call {
  /** The `RestoreClient` operation, for errors and spans. */
  readonly operation: string
  readonly method: "GET" | "POST"
  /** Path segments after the endpoint, every one already a safe segment. */
  readonly path: ReadonlyArray<string>
  readonly query?: ReadonlyArray<readonly [string, string]>
  /** A JSON body, already serialised. */
  readonly body?: string
  /**
   * Whether the call may be repeated after a server error or a lost connection. A restore may not:
   * it is resent only when the service is known not to have acted on it.
   */
  readonly idempotent: boolean
}

/**
 * The pace the sends of the current fiber (and of the fibers it forks) wait for: `restoreMany` sets
 * one for the calls of its batch, so that a fleet restore stays under the tenant's throttling
 * threshold however many instances it restores at once.
 */
export const currentPacer: FiberRef.FiberRef<Option.Option<Pacer.Pacer>> = FiberRef.unsafeMake(Option.none())

/**
 * The priority of the current fiber's sends at the pace (the lowest number goes first):
 * `restoreMany` sets each item's place in the batch.
 */
export const currentPriority: FiberRef.FiberRef<number> = FiberRef.unsafeMake(0)

/**
 * Waits until the current fiber's pace has room for one of its requests, and lets nothing go (see
 * `Pacer.ready`); at once when it has no pace. Gives back the effect that hands the slot on, for a
 * caller that then sends nothing.
 */
export const ready: Effect.Effect<Effect.Effect<void>> = Effect.flatMap(
  FiberRef.get(currentPacer),
  Option.match({
    onNone: () => Effect.succeed(Effect.void),
    onSome: (pacer) => Effect.flatMap(FiberRef.get(currentPriority), pacer.ready)
  })
)

/**
 * Runs `effect` with its sends (and those of the fibers it forks) at most `requestsPerSecond`,
 * evenly spaced (see `pacer.ts`), or unlimited when it is absent.
 */
export const limited = <A, E, R>(requestsPerSecond: number | undefined, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  requestsPerSecond === undefined
    ? effect
    : Effect.flatMap(Pacer.make(requestsPerSecond), (pacer) => Effect.locally(effect, currentPacer, Option.some(pacer)))

/**
 * The instant (epoch ms, on the Effect `Clock`) by which the current fiber's sends are to be done
 * retrying: a retry whose wait would end after it is not made, and the last error stands. A
 * caller that reads again anyway sets it (a lost answer's lookup polls the task list until its
 * wait ends, so a poll throttled before then is not retried past it).
 */
export const currentDeadline: FiberRef.FiberRef<Option.Option<number>> = FiberRef.unsafeMake(Option.none())

/** `effect` with its sends retrying only while a retry can start by `deadline` (see `currentDeadline`). */
export const until = <A, E, R>(deadline: number, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(effect, currentDeadline, Option.some(deadline))

// The retry schedule of a call, paced when the fiber has a pace, cut at its deadline when it has one.
const retries = (policy: RetryPolicy.RetryPolicy, idempotent: boolean) =>
  Effect.map(Effect.zip(FiberRef.get(currentDeadline), FiberRef.get(currentPacer)), ([deadline, pacer]) => {
    const schedule = RetryPolicy.schedule(policy, decide(idempotent), { paced: Option.isSome(pacer) })
    return Option.isNone(deadline)
      ? schedule
      : schedule.pipe(
        Schedule.delays,
        Schedule.checkEffect((_, wait) => Effect.map(Clock.currentTimeMillis, (now) => now + Duration.toMillis(wait) <= deadline.value))
      )
  })

/** A decoded answer and the request id it came with. */
export interface Answer<A> {
  readonly value: A
  readonly status: number
  readonly requestId: string | undefined
}

/** Sends calls. */
export interface Sender {
  readonly send: <A, I>(call: Call, schema: Schema.Schema<A, I>) => Effect.Effect<Answer<A>, CallError>
  /** The request a call becomes before it is signed: what `send` signs and sends. */
  readonly request: (call: Call) => DdsRequest.DdsRequest
}

const statusTexts: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

const isSuccess = (response: DdsResponse.DdsResponse): boolean => response.status >= 200 && response.status < 300

const parseJson = (body: string): unknown => Either.getOrUndefined(JsonText.parse(body))

const decodeErrorBody = Schema.decodeUnknownOption(Wire.ErrorBody)

/** The error answer as a `ServiceError`: the body's code and message, or the status text. */
export const serviceError = (operation: string, response: DdsResponse.DdsResponse): ServiceError => {
  const body = decodeErrorBody(parseJson(response.body))
  const requestId = DdsResponse.requestId(response) ?? (body._tag === "Some" ? body.value.request_id : undefined)
  return new ServiceError({
    status: response.status,
    code: body._tag === "Some" ? body.value.code : `HTTP.${response.status}`,
    // The service's message is shown to people: keep a runaway body from flooding a log.
    detail: clip(body._tag === "Some" ? body.value.message : statusTexts[response.status] ?? "HTTP error", 500),
    operation,
    ...(requestId === undefined ? {} : { requestId })
  })
}

const summarise = (error: ParseResult.ParseError): string => {
  let issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>
  try {
    issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  } catch {
    // The formatter recurses into the value it shows; the depth bound keeps it safe, and this
    // keeps any other surprise a typed error, not a defect.
    issues = []
  }
  const first = issues[0]
  if (first === undefined) return "the answer does not match its schema"
  const where = first.path.length === 0 ? "the body" : first.path.map(String).join(".")
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""
  return clip(`${where}: ${first.message}${more}`, 300)
}

/**
 * Decodes a successful answer with its schema; a body that is not JSON, nests too deep or does not
 * match fails typed.
 */
export const decode = <A, I>(
  operation: string,
  response: DdsResponse.DdsResponse,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ResponseDecodeError> => {
  const requestId = DdsResponse.requestId(response)
  const fail = (issue: string) =>
    new ResponseDecodeError({
      status: response.status,
      operation,
      issue,
      ...(requestId === undefined ? {} : { requestId })
    })
  const json: Effect.Effect<unknown, ResponseDecodeError> = Either.match(JsonText.parse(response.body), {
    onLeft: (why) => Effect.fail(fail(`the body is ${why}`)),
    onRight: (value) => Effect.succeed(value)
  })
  return json.pipe(
    Effect.flatMap((json) => Schema.decodeUnknown(schema)(json)),
    Effect.mapError((error) => (error instanceof ResponseDecodeError ? error : fail(summarise(error))))
  )
}

/**
 * The gateway's clock from a signature-expired refusal: `server time:20211217T065804Z` in the
 * message, else the `Date` header.
 */
const serverTime = (detail: string, dateHeader: string | undefined): number | undefined => {
  const quoted = SdkDate.serverTimeIn(detail)
  if (quoted !== undefined) return quoted
  const parsed = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader)
  return Number.isNaN(parsed) ? undefined : parsed
}

/** A clock that reads `offset` milliseconds later than `clock`, so a signer dates requests as the gateway does. */
const shiftedClock = (clock: Clock.Clock, offset: number): Clock.Clock => {
  const nanos = BigInt(Math.round(offset)) * 1_000_000n
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis() + offset,
    currentTimeMillis: Effect.map(clock.currentTimeMillis, (now) => now + offset),
    unsafeCurrentTimeNanos: () => clock.unsafeCurrentTimeNanos() + nanos,
    currentTimeNanos: Effect.map(clock.currentTimeNanos, (now) => now + nanos),
    sleep: (duration) => clock.sleep(duration)
  }
}

/** How a failed attempt is treated by the retry schedule. */
const decide = (idempotent: boolean) => (error: ServiceError | TransportError | SignerError): RetryPolicy.Decision => {
  switch (error._tag) {
    case "ServiceError":
      // A throttled request was refused at the gateway before any work: safe even for a restore.
      if (error.isThrottled) return "Throttled"
      return idempotent && error.status >= 500 ? "Retry" : "Stop"
    case "TransportError":
      if (error.reason !== "Timeout" && error.reason !== "Connection") return "Stop"
      // A request that never left this machine cannot have started a restore.
      return idempotent || !error.mayHaveReachedServer ? "Retry" : "Stop"
    case "SignerError":
      return "Stop"
  }
}

/** The sender over the services, with the clock offset kept for the client's lifetime. */
export const make = (policy: RetryPolicy.RetryPolicy): Effect.Effect<Sender, never, Transport | Signer | DdsConfig.DdsConfig> =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const signer = yield* Signer
    const config = yield* DdsConfig.DdsConfig
    // Milliseconds to add to the local clock to read the gateway's; learnt from a refusal.
    const skew = yield* Ref.make(0)

    const headers: Record<string, string> = { "x-project-id": config.projectId }
    if (config.language !== undefined) headers["x-language"] = config.language

    const build = (call: Call): DdsRequest.DdsRequest =>
      DdsRequest.make({
        method: call.method,
        url: `${config.endpoint}/${call.path.join("/")}`,
        query: call.query ?? [],
        headers: call.body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: call.body ?? ""
      })

    const signAndSendNow = (request: DdsRequest.DdsRequest) =>
      Effect.gen(function*() {
        const offset = yield* Ref.get(skew)
        const clock = yield* Effect.clock
        const signed = yield* Effect.withClock(signer.sign(request), shiftedClock(clock, offset))
        const response = yield* transport.send(signed)
        const requestId = DdsResponse.requestId(response)
        if (requestId !== undefined) yield* Effect.annotateCurrentSpan("dds.request_id", requestId)
        return { signed, response }
      })

    // Every attempt waits for its turn at the pace before it is signed, so its signature is fresh.
    const signAndSend = (request: DdsRequest.DdsRequest) =>
      Effect.flatMap(
        FiberRef.get(currentPacer),
        Option.match({
          onNone: () => signAndSendNow(request),
          onSome: (pacer) => Effect.zipRight(Effect.flatMap(FiberRef.get(currentPriority), pacer.take), signAndSendNow(request))
        })
      )

    const accept = (operation: string, response: DdsResponse.DdsResponse) =>
      isSuccess(response) ? Effect.succeed(response) : Effect.fail(serviceError(operation, response))

    // A 401 is refused before any work is done, so one re-signed resend is safe for every call.
    const recover = (operation: string, request: DdsRequest.DdsRequest, signed: DdsRequest.DdsRequest, response: DdsResponse.DdsResponse, refused: ServiceError) =>
      Effect.gen(function*() {
        if (refused.isClockSkew) {
          const server = serverTime(refused.detail, response.headers["date"])
          if (server === undefined) return yield* Effect.fail(refused)
          yield* Ref.set(skew, server - (yield* Clock.currentTimeMillis))
        } else if (signer.invalidate === undefined || !(yield* signer.invalidate(signed))) {
          return yield* Effect.fail(refused)
        }
        const again = yield* signAndSend(request)
        return yield* accept(operation, again.response)
      })

    const attempt = (call: Call, request: DdsRequest.DdsRequest) =>
      Effect.gen(function*() {
        const { response, signed } = yield* signAndSend(request)
        if (isSuccess(response)) return response
        const refused = serviceError(call.operation, response)
        return yield* response.status === 401
          ? recover(call.operation, request, signed, response, refused)
          : Effect.fail(refused)
      })

    const send = <A, I>(call: Call, schema: Schema.Schema<A, I>): Effect.Effect<Answer<A>, CallError> => {
      const request = build(call)
      return Effect.flatMap(retries(policy, call.idempotent), (schedule) => Effect.retry(attempt(call, request), schedule)).pipe(
        Effect.flatMap((response) =>
          Effect.map(decode(call.operation, response, schema), (value) => ({
            value,
            status: response.status,
            requestId: DdsResponse.requestId(response)
          }))
        )
      )
    }

    return { send, request: build }
  })
