// What a hostile endpoint or a bad credential cannot do to the transport: make it read an answer
// of any size into memory, or take a header the HTTP stack refuses for one that may have reached
// the service. Over a real server on 127.0.0.1, with each HTTP client.
import { DdsRequest, type Transport } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import type * as http from "node:http"
import * as LoopbackServer from "./utils/LoopbackServer.js"

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer],
  ["node:http", NodeHttpClient.layer]
]

const transportError = (result: Either.Either<unknown, Transport.TransportError>): Transport.TransportError => {
  if (Either.isRight(result)) throw new Error("expected a TransportError")
  return result.left
}

const MiB = 1024 * 1024

// Writes `total` bytes of JSON-looking text in 64 KiB chunks, as fast as the socket takes them,
// and counts what it could write before the client went away.
const endless = (total: number, declare: boolean) => {
  const state = { written: 0, closed: false }
  const handler = (_: unknown, res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json", ...(declare ? { "content-length": String(total) } : {}) })
    const chunk = Buffer.alloc(64 * 1024, "[")
    res.on("close", () => {
      state.closed = true
    })
    const write = (): void => {
      while (state.written < total && !state.closed) {
        state.written += chunk.length
        if (!res.write(chunk)) return void res.once("drain", write)
      }
      if (!state.closed) res.end()
    }
    write()
  }
  return { state, handler }
}

describe.each(clients)("HttpTransport over %s, facing hostile answers", (_name, clientLayer) => {
  const send = (request: DdsRequest.DdsRequest, options?: HttpTransport.Options) =>
    Effect.flatMap(HttpTransport.make(options), (transport) => transport.send(request)).pipe(Effect.provide(clientLayer))

  it.scopedLive("an answer longer than the cap fails as AnswerTooLarge, after reading about the cap, not the whole answer", () =>
    Effect.gen(function*() {
      const { handler, state } = endless(256 * MiB, false)
      const server = yield* LoopbackServer.start(handler)
      const error = transportError(
        yield* Effect.either(send(DdsRequest.make({ method: "GET", url: `${server.origin}/v3/p/jobs` }), { maxAnswerBytes: MiB }))
      )
      expect(error.reason).toBe("AnswerTooLarge")
      expect(error.mayHaveReachedServer).toBe(true)
      expect(error.detail).toBe(`the answer (status 200) is longer than the ${MiB} bytes this transport reads (maxAnswerBytes)`)
      // The connection was dropped: the server could not write the 256 MiB.
      yield* Effect.sleep("100 millis")
      expect(state.written).toBeLessThan(64 * MiB)
    }))

  it.scopedLive("an answer whose length is declared over the cap is refused before its body is read", () =>
    Effect.gen(function*() {
      const { handler } = endless(1024 * MiB, true)
      const server = yield* LoopbackServer.start(handler)
      const error = transportError(
        yield* Effect.either(send(DdsRequest.make({ method: "GET", url: `${server.origin}/v3/p/jobs` })))
      )
      expect(error.reason).toBe("AnswerTooLarge")
      expect(error.detail).toBe(
        `the answer (status 200) declares ${1024 * MiB} bytes, more than the ${HttpTransport.DEFAULT_MAX_ANSWER_BYTES} this transport reads (maxAnswerBytes)`
      )
    }))

  it.scopedLive("the default cap is 4 MiB: an answer of exactly 4 MiB is read, one byte more is refused", () =>
    Effect.gen(function*() {
      expect(HttpTransport.DEFAULT_MAX_ANSWER_BYTES).toBe(4 * MiB)
      const fits = yield* LoopbackServer.start((_, res) => res.end(Buffer.alloc(4 * MiB, "a")))
      const read = yield* send(DdsRequest.make({ method: "GET", url: `${fits.origin}/v3/p/jobs` }))
      expect(read.body.length).toBe(4 * MiB)
      const over = yield* LoopbackServer.start((_, res) => {
        res.writeHead(500, { "content-type": "application/json" })
        res.write(Buffer.alloc(4 * MiB, "a"))
        res.end("b")
      })
      const error = transportError(yield* Effect.either(send(DdsRequest.make({ method: "GET", url: `${over.origin}/v3/p/jobs` }))))
      expect([error.reason, error.detail]).toStrictEqual([
        "AnswerTooLarge",
        `the answer (status 500) is longer than the ${4 * MiB} bytes this transport reads (maxAnswerBytes)`
      ])
    }))

  it.each([
    ["a CR/LF", "token\r\nx-injected: 1", "a line break or a NUL"],
    ["a character outside Latin-1", "token-\u2603", "a character outside Latin-1"],
    ["a control character", "token\u0007", "a control character"],
    ["trailing white space", "token ", "leading or trailing white space"]
  ])("a header holding %s is refused before any byte is sent, as not having reached the service, without its value", (_what, value, described) =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.start((_, res) => res.end("{}"))
      const request = DdsRequest.make({
        method: "POST",
        url: `${server.origin}/v3/p/instances/i/restore/collections`,
        headers: { "x-security-token": value, "content-type": "application/json" },
        body: "{}"
      })
      const error = transportError(yield* Effect.either(send(request)))
      expect([error.reason, error.mayHaveReachedServer]).toStrictEqual(["InvalidHeader", false])
      expect(error.detail).toBe(
        `the header "x-security-token" holds ${described}, which HTTP cannot carry as signed; nothing was sent: fix the value where it comes from (a credential, a configuration)`
      )
      expect(error.message).not.toContain(value)
      expect(server.received).toStrictEqual([])
      expect(server.sockets).toStrictEqual([])
    }).pipe(Effect.scoped, Effect.runPromise))
})
