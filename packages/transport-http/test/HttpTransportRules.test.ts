// The rules that do not depend on which HTTP client sends: what is refused before anything goes
// out, how a client's failure is read, and what reaches the tracer. A recording HttpClient stands
// in for the network.
import { DdsRequest, type Transport } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Tracer from "effect/Tracer"
import { recordingInto } from "./utils/SpanRecorder.js"

const recording = () => {
  const sent: Array<string> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.sync(() => {
        sent.push(url.toString())
        return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
      })
    )
  )
  return { sent, layer }
}

const failing = (cause: unknown) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) => Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
  )

const send = (request: DdsRequest.DdsRequest, layer: Layer.Layer<HttpClient.HttpClient>, options?: HttpTransport.Options) =>
  Effect.flatMap(HttpTransport.make(options), (transport) => transport.send(request)).pipe(Effect.provide(layer))

const refusal = (result: Either.Either<unknown, Transport.TransportError>) => {
  if (Either.isRight(result)) throw new Error("expected a TransportError")
  return [result.left.reason, result.left.mayHaveReachedServer] as const
}

const get = (url: string) => DdsRequest.make({ method: "GET", url })

describe("HttpTransport refuses to send credentials in clear text", () => {
  it.effect("plain http:// to another host is refused as Insecure and nothing is sent", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()

      const result = yield* Effect.either(send(get("http://dds.example.com/v3/p/jobs"), layer))

      expect(refusal(result)).toEqual(["Insecure", false])
      expect(Either.isLeft(result) && result.left.detail).toContain("dds.example.com")
      expect(sent).toEqual([])
    }))

  it.effect("plain http:// to this machine is sent: 127.0.0.0/8, localhost, [::1]", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      for (const url of ["http://127.0.0.1:8080/a", "http://127.5.6.7/b", "http://localhost:9/c", "http://[::1]:9/d"]) {
        yield* send(get(url), layer)
      }
      expect(sent).toEqual(["http://127.0.0.1:8080/a", "http://127.5.6.7/b", "http://localhost:9/c", "http://[::1]:9/d"])
    }))

  it.effect("names that only look like this machine are not trusted", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      for (const url of ["http://127.0.0.1.example.com/a", "http://localhost.example.com/b", "http://128.0.0.1/c"]) {
        expect(refusal(yield* Effect.either(send(get(url), layer)))).toEqual(["Insecure", false])
      }
      expect(sent).toEqual([])
    }))

  it.effect("allowInsecure lets plain http:// through, and https:// always goes", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      yield* send(get("http://dds.internal/v3/p/jobs"), layer, { allowInsecure: true })
      yield* send(get("https://dds.example.com/v3/p/jobs"), layer)
      expect(sent).toEqual(["http://dds.internal/v3/p/jobs", "https://dds.example.com/v3/p/jobs"])
    }))
})

describe("HttpTransport refuses what would not go out as signed", () => {
  const cases: ReadonlyArray<readonly [string, DdsRequest.DdsRequest]> = [
    ["an unparsable URL", get("dds.example.com/v3/p/jobs")],
    ["a query inside the URL", get("https://dds.example.com/v3/p/jobs?id=1")],
    ["a fragment inside the URL", get("https://dds.example.com/v3/p/jobs#x")],
    ["a user name in the URL", get("https://user:pw@dds.example.com/v3/p/jobs")],
    ["a scheme that is not HTTP", get("ftp://dds.example.com/v3/p/jobs")],
    ["a path the URL parser would encode", get("https://dds.example.com/v3/p/a b")],
    ["a path the URL parser would resolve", get("https://dds.example.com/v3/p/../jobs")],
    ["a query value with a lone surrogate", DdsRequest.make({ method: "GET", url: "https://dds.example.com/v3", query: [["k", "a\uD800"]] })],
    [
      "a signed host that is not the URL's",
      DdsRequest.make({ method: "GET", url: "https://dds.example.com:8443/v3", headers: { host: "dds.example.com" } })
    ]
  ]

  for (const [what, request] of cases) {
    it.effect(`${what} is refused as InvalidUrl and nothing is sent`, () =>
      Effect.gen(function*() {
        const { layer, sent } = recording()
        expect(refusal(yield* Effect.either(send(request, layer)))).toEqual(["InvalidUrl", false])
        expect(sent).toEqual([])
      }))
  }

  it.effect("a signed host equal to the URL's host, default port left out, is sent", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      yield* send(DdsRequest.make({ method: "GET", url: "https://dds.example.com:443/v3", headers: { host: "dds.example.com" } }), layer)
      expect(sent).toEqual(["https://dds.example.com/v3"])
    }))
})

describe("HttpTransport tells whether a failed request may have reached the service", () => {
  const dnsFailure = Object.assign(new Error("getaddrinfo ENOTFOUND dds.example.com"), {
    code: "ENOTFOUND",
    syscall: "getaddrinfo"
  })
  const refused = (address: string) =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}:443`), { code: "ECONNREFUSED", syscall: "connect" })
  const cases: ReadonlyArray<readonly [string, unknown, boolean]> = [
    ["a failed name lookup (Node's http, undici)", dnsFailure, false],
    ["a failed name lookup (fetch)", new TypeError("fetch failed", { cause: dnsFailure }), false],
    [
      "a refused connection to every address (fetch, happy eyeballs)",
      new TypeError("fetch failed", {
        cause: Object.assign(new AggregateError([refused("::1"), refused("127.0.0.1")], ""), { code: "ECONNREFUSED" })
      }),
      false
    ],
    ["a socket closed by the other side", Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), true],
    ["a failure of unknown kind", new Error("something odd"), true]
  ]

  for (const [what, cause, mayHaveReachedServer] of cases) {
    it.effect(`${what}: Connection, mayHaveReachedServer ${mayHaveReachedServer}`, () =>
      Effect.gen(function*() {
        const result = yield* Effect.either(send(get("https://dds.example.com/v3/p/jobs"), failing(cause)))
        expect(refusal(result)).toEqual(["Connection", mayHaveReachedServer])
      }))
  }

  it.effect("the detail names the underlying failure", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        send(get("https://dds.example.com/v3/p/jobs"), failing(new TypeError("fetch failed", { cause: dnsFailure })))
      )
      expect(Either.isLeft(result) && result.left.detail).toBe("fetch failed: getaddrinfo ENOTFOUND dds.example.com")
    }))
})

describe("HttpTransport keeps credentials out of traces", () => {
  it.effect("the HTTP client's span shows no credential header value and no trace header is sent", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = yield* recordingInto(spans)
      const headersSent: Array<Readonly<Record<string, string>>> = []
      const layer = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.sync(() => {
            headersSent.push(request.headers)
            return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200, headers: { "x-subject-token": "subject-SECRET" } }))
          })
        )
      )
      const request = DdsRequest.make({
        method: "GET",
        url: "https://dds.example.com/v3/p/jobs",
        headers: {
          authorization: "SDK-HMAC-SHA256 Access=AK, Signature=SECRET-signature",
          "x-security-token": "security-SECRET",
          "x-auth-token": "auth-SECRET",
          "x-sdk-date": "20240102T030405Z"
        }
      })

      yield* send(request, layer).pipe(Effect.withTracer(tracer), Effect.withSpan("caller"))

      const httpSpan = spans.find((span) => span.name === "http.client GET")
      expect(httpSpan?.attributes.get("http.request.header.x-sdk-date")).toBe("20240102T030405Z")
      const shown = [...(httpSpan?.attributes.values() ?? [])].map(String).join("\n")
      expect(shown).not.toContain("SECRET")
      expect(Object.keys(headersSent[0] ?? {}).sort()).toEqual(["authorization", "x-auth-token", "x-sdk-date", "x-security-token"])
    }))
})

describe("HttpTransport reports a redirect instead of following it", () => {
  it.effect("a relative location is named against the endpoint, without its query", () =>
    Effect.gen(function*() {
      const layer = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.succeed(
            HttpClientResponse.fromWeb(request, new Response(null, { status: 302, headers: { location: "/v3/p/moved?sig=abc" } }))
          )
        )
      )

      const result = yield* Effect.either(send(get("https://dds.example.com/v3/p/jobs"), layer))

      expect(refusal(result)).toEqual(["Redirect", false])
      expect(Either.isLeft(result) && result.left.detail).toBe(
        "the endpoint redirected (302) to https://dds.example.com/v3/p/moved, where the signed request was not resent; configure the endpoint the service lives at"
      )
    }))
})
