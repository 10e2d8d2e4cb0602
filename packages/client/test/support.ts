// Test doubles written for these tests: a recording in-memory transport answering from a function,
// and a counting signer that dates each request from the Effect Clock as the AK/SK signer does.
import { readFileSync } from "node:fs"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { DdsConfig, DdsRequest, DdsResponse, RestoreClient, type RetryPolicy, Signer, Transport } from "@dds-restore/client"

export const projectId = "0123456789abcdef0123456789abcdef"
export const instanceId = "9136fd2a9fcd405ea4674276ce36dae8in02"
export const endpoint = "https://dds.cn-north-4.myhuaweicloud.com"

/** The text of an example body of the service, from the one copy in docs/service/. */
export const fixture = (name: string): string =>
  readFileSync(new URL(`../../../docs/service/${name}`, import.meta.url), "utf8")

/** `YYYYMMDDTHHMMSSZ`, as `X-Sdk-Date` carries it. */
export const sdkDate = (millis: number): string => new Date(millis).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")

/** A timeout after `request` was written: the service may have acted on it. */
export const timedOut = (request: DdsRequest.DdsRequest): Transport.TransportError =>
  new Transport.TransportError({
    reason: "Timeout",
    method: request.method,
    url: request.url,
    mayHaveReachedServer: true,
    detail: "no answer within 30 s"
  })

/** A connection refused before `request` left this machine: the service cannot have acted on it. */
export const refused = (request: DdsRequest.DdsRequest): Transport.TransportError =>
  new Transport.TransportError({
    reason: "Connection",
    method: request.method,
    url: request.url,
    mayHaveReachedServer: false,
    detail: "connect ECONNREFUSED"
  })

export const json = (status: number, body: string, requestId = "req-1"): DdsResponse.DdsResponse =>
  DdsResponse.make({ status, headers: { "content-type": "application/json", "x-request-id": requestId }, body })

export type Handler = (request: DdsRequest.DdsRequest, index: number) => Effect.Effect<DdsResponse.DdsResponse, Transport.TransportError>

/** A transport answering with `handler` and recording every request it was given, signed. */
export const recording = (handler: Handler) => {
  const requests: Array<DdsRequest.DdsRequest> = []
  const layer = Transport.layer((request) => Effect.suspend(() => handler(request, requests.push(request) - 1)))
  return { requests, layer }
}

/** Whether a request reads the task list (`GET /v3.1/{project_id}/jobs`). */
export const isTaskList = (request: DdsRequest.DdsRequest): boolean =>
  request.method === "GET" && /\/v3\.1\/[^/]+\/jobs$/.test(request.url)

/**
 * `recording` for tests of what a restore sends: the read of the instance's restore tasks that
 * precedes every submission (its before set) is answered with an empty list and kept in `reads`,
 * apart from `requests` and from the handler's count.
 */
export const restoring = (handler: Handler) => {
  const reads: Array<DdsRequest.DdsRequest> = []
  const requests: Array<DdsRequest.DdsRequest> = []
  const layer = Transport.layer((request) =>
    isTaskList(request)
      ? Effect.sync(() => reads.push(request)).pipe(Effect.as(json(200, JSON.stringify({ jobs: [], total_count: 0 }))))
      : Effect.suspend(() => handler(request, requests.push(request) - 1))
  )
  return { reads, requests, layer }
}

/** A signer that counts its calls and sets `x-sdk-date` from the Clock it runs under. */
export const counting = (invalidate?: (request: DdsRequest.DdsRequest) => Effect.Effect<boolean>) => {
  const signed: Array<number> = []
  const sign = (request: DdsRequest.DdsRequest) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      signed.push(now)
      return DdsRequest.setHeaders(request, { "x-sdk-date": sdkDate(now), authorization: `test-signature-${signed.length}` })
    })
  const layer = Layer.succeed(
    Signer.Signer,
    invalidate === undefined ? Signer.Signer.of({ sign }) : Signer.Signer.of({ sign, invalidate })
  )
  return { signed, layer }
}

/** A client over the given transport and signer, with the test project and endpoint. */
export const client = (
  transport: Layer.Layer<Transport.Transport>,
  signer: Layer.Layer<Signer.Signer> = Signer.layerUnsigned,
  options: { readonly retryPolicy?: RetryPolicy.Options; readonly language?: DdsConfig.Language } = {}
): Layer.Layer<RestoreClient.RestoreClient> =>
  RestoreClient.layer({ retryPolicy: options.retryPolicy }).pipe(
    Layer.provide(transport),
    Layer.provide(signer),
    Layer.provide(Layer.orDie(DdsConfig.layer({ projectId, endpoint, language: options.language })))
  )

/** The one element of a list, failing the test when there is not exactly one. */
export const only = <A>(items: ReadonlyArray<A>): A => {
  const [item] = items
  if (items.length !== 1 || item === undefined) throw new Error(`expected exactly one, got ${items.length}`)
  return item
}
