import { DdsRequest, type Transport } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as LoopbackServer from "./utils/LoopbackServer.js"

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer],
  ["node:http", NodeHttpClient.layer]
]

// Headers an HTTP client adds on its own; none of them is signed except `host`, checked apart.
const addedByClient = new Set([
  "host",
  "content-length",
  "connection",
  "accept",
  "accept-language",
  "accept-encoding",
  "sec-fetch-mode",
  "user-agent"
])

const expectTransportError = (
  result: Either.Either<unknown, Transport.TransportError>
): Transport.TransportError => {
  if (Either.isRight(result)) throw new Error(`expected a TransportError, got ${JSON.stringify(result.right)}`)
  expect(result.left._tag).toBe("TransportError")
  return result.left
}

// Real sockets need the real clock: these tests run `live`, with short real timeouts, and assert
// outcomes only, never elapsed time.
describe.each(clients)("HttpTransport over %s", (_name, clientLayer) => {
  const send = (request: DdsRequest.DdsRequest, options?: HttpTransport.Options) =>
    Effect.flatMap(HttpTransport.make(options), (transport) => transport.send(request)).pipe(
      Effect.provide(clientLayer)
    )

  it.scopedLive("sends the method, raw path and query, headers and body exactly as signed", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start((_, res) => res.end("{}"))
      const host = `127.0.0.1:${server.port}`
      const headers = {
        "content-type": "application/json;charset=UTF-8",
        "x-sdk-date": "20240102T030405Z",
        "x-project-id": "0a1b2c3d4e5f",
        "x-security-token": "temporary-token",
        "x-language": "en-us",
        host,
        authorization: "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature=abc"
      }
      const body = `{"restore_collections":[{"database":"shöp","restore_database_time":"1607762955000"}]}`
      const request = DdsRequest.make({
        method: "POST",
        url: `${server.origin}/v3/0a1b2c3d4e5f/instances/9136fd2ain02/restore/collections`,
        query: [
          ["db_name", "shop & co/ü"],
          ["restore_time", "1607762955000"],
          ["a b", "+=?#%~*'()!"],
          ["empty", ""],
          ["db_name", "second"]
        ],
        headers,
        body
      })

      const response = yield* send(request)

      expect(response.status).toBe(200)
      expect(server.received).toHaveLength(1)
      const [arrived] = server.received
      expect(arrived?.method).toBe("POST")
      expect(arrived?.target).toBe(
        "/v3/0a1b2c3d4e5f/instances/9136fd2ain02/restore/collections" +
          "?db_name=shop%20%26%20co%2F%C3%BC&restore_time=1607762955000&a%20b=%2B%3D%3F%23%25~%2A%27%28%29%21" +
          "&empty=&db_name=second"
      )
      expect(arrived?.body).toBe(body)
      for (const [name, value] of Object.entries(headers)) expect(arrived?.headers[name]).toBe(value)
      const extra = Object.keys(arrived?.headers ?? {}).filter((name) => !(name in headers) && !addedByClient.has(name))
      expect(extra).toEqual([])
    }))

  it.scopedLive("adds no content-type to a request that has none, with or without a body", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start((_, res) => res.end())
      yield* send(DdsRequest.make({ method: "GET", url: `${server.origin}/v3/p/jobs` }))
      yield* send(DdsRequest.make({ method: "POST", url: `${server.origin}/v3/p/jobs`, body: "plain" }))

      expect(server.received.map((r) => [r.method, r.headers["content-type"], r.body])).toEqual([
        ["GET", undefined, ""],
        ["POST", undefined, "plain"]
      ])
      expect(server.received[0]?.headers["host"]).toBe(`127.0.0.1:${server.port}`)
    }))

  it.scopedLive("returns any status with lower-case headers and the body text", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start((_, res) => {
        res.writeHead(429, { "X-Request-Id": "req-42", "Content-Type": "application/json" })
        res.end(`{"error_code":"APIGW.0308","error_msg":"throttled ü"}`)
      })

      const response = yield* send(DdsRequest.make({ method: "GET", url: `${server.origin}/v3/p/jobs` }))

      expect(response.status).toBe(429)
      expect(response.headers["x-request-id"]).toBe("req-42")
      expect(response.headers["content-type"]).toBe("application/json")
      expect(response.body).toBe(`{"error_code":"APIGW.0308","error_msg":"throttled ü"}`)
    }))

  it.live("a refused connection is a Connection error that never reached the service", () =>
    Effect.gen(function*() {
      const port = yield* LoopbackServer.closedPort
      const url = `http://127.0.0.1:${port}/v3/p/jobs`

      const error = expectTransportError(yield* Effect.either(send(DdsRequest.make({ method: "POST", url, body: "{}" }))))

      expect(error.reason).toBe("Connection")
      expect(error.mayHaveReachedServer).toBe(false)
      expect(error.method).toBe("POST")
      expect(error.url).toBe(url)
      expect(error.detail).toContain("ECONNREFUSED")
    }))

  it.scopedLive("a connection reset after the request was written may have reached the service", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start((_, _res, raw) => raw.socket.destroy())

      const error = expectTransportError(
        yield* Effect.either(send(DdsRequest.make({ method: "POST", url: `${server.origin}/v3/p/restore`, body: "{}" })))
      )

      expect(error.reason).toBe("Connection")
      expect(error.mayHaveReachedServer).toBe(true)
      expect(server.received).toHaveLength(1)
    }))

  it.scopedLive("a request without an answer in time is a Timeout that may have reached the service", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start(() => {})

      const error = expectTransportError(
        yield* Effect.either(
          send(DdsRequest.make({ method: "POST", url: `${server.origin}/v3/p/restore`, body: "{}" }), { timeout: "200 millis" })
        )
      )

      expect(error.reason).toBe("Timeout")
      expect(error.mayHaveReachedServer).toBe(true)
      expect(error.detail).toBe("no complete answer within 200ms")
      expect(server.received).toHaveLength(1)
    }))

  it.scopedLive("interrupting a send closes its connection", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<void>()
      const closed = yield* Deferred.make<void>()
      yield* LoopbackServer.start((_, _res, raw) => {
        raw.socket.on("close", () => Deferred.unsafeDone(closed, Effect.void))
        Deferred.unsafeDone(arrived, Effect.void)
      }).pipe(
        Effect.flatMap((server) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(send(DdsRequest.make({ method: "GET", url: `${server.origin}/v3/p/jobs` })))
            yield* Deferred.await(arrived)
            yield* Fiber.interrupt(fiber)
            yield* Deferred.await(closed)
            expect(server.received).toHaveLength(1)
          })
        )
      )
    }))

  it.scopedLive("a redirect is not followed: the signed request never reaches the other server", () =>
    Effect.gen(function*() {
      const elsewhere = yield* LoopbackServer.start((_, res) => res.end("{}"))
      const server = yield* LoopbackServer.start((_, res) => {
        res.writeHead(307, { location: `${elsewhere.origin}/v3/p/jobs?token=leak` })
        res.end()
      })
      const request = DdsRequest.make({
        method: "POST",
        url: `${server.origin}/v3/p/restore`,
        headers: { authorization: "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc" },
        body: "{}"
      })

      const error = expectTransportError(yield* Effect.either(send(request)))

      expect(error.reason).toBe("Redirect")
      expect(error.mayHaveReachedServer).toBe(false)
      expect(error.detail).toContain(`redirected (307) to ${elsewhere.origin}/v3/p/jobs,`)
      expect(error.detail).not.toContain("leak")
      expect(server.received).toHaveLength(1)
      expect(elsewhere.received).toHaveLength(0)
    }))
})
