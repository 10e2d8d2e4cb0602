/**
 * The `Transport` of `@dds-restore/client` over `@effect/platform`'s `HttpClient`: it sends each
 * signed request byte for byte as signed, over TLS unless the endpoint is this machine, and leaves
 * the choice of HTTP client (fetch, undici, Node's http, a test client) to the layer the
 * application provides.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { DdsRequest, DdsResponse, Transport } from "@dds-restore/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { fromHttpClientError } from "./internal/failure.js"

/**
 * How requests are sent.
 *
 * @since 0.1.0
 */
export interface Options {
  /**
   * The longest one request may take, from sending to the end of its answer, on Effect's `Clock`;
   * 30 seconds by default.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Allow plain `http://` to hosts other than this machine. Off by default: the signed requests
   * carry credentials that must not cross a network in clear text.
   */
  readonly allowInsecure?: boolean | undefined
  /**
   * The most bytes of one answer's body that are read, `DEFAULT_MAX_ANSWER_BYTES` (4 MiB) by
   * default: the service's answers are a few kilobytes, and a larger one (a proxy's page, a
   * hostile endpoint) fails as `AnswerTooLarge` as soon as it is declared or read past the cap,
   * instead of being held in memory.
   */
  readonly maxAnswerBytes?: number | undefined
}

/**
 * The default of `Options.maxAnswerBytes`: 4 MiB.
 *
 * @since 0.1.0
 */
export const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024

const defaultTimeout = Duration.seconds(30)

// The gateway's credentials travel in these headers: keep them out of the HTTP client's tracing
// spans, whose default redaction list does not know them.
const sensitiveHeaderPatterns: ReadonlyArray<string | RegExp> = [
  ...DdsRequest.sensitiveHeaderNames,
  /token|secret|password|authorization|credential/
]

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

type Refusal = Pick<Transport.TransportError, "reason" | "detail">

// With the `u` flag only an unpaired surrogate matches: text that has no UTF-8 form to send.
const loneSurrogate = /[\uD800-\uDFFF]/u

const parseUrl = (text: string): URL | undefined => (URL.canParse(text) ? new URL(text) : undefined)

// The URL to send, query included. Everything that would make the bytes sent differ from the bytes
// signed, or send credentials in clear text, is refused before anything goes out.
const target = (request: DdsRequest.DdsRequest, allowInsecure: boolean): Either.Either<string, Refusal> => {
  const refuse = (reason: Refusal["reason"], detail: string) => Either.left({ reason, detail })
  if (/[?#]/.test(request.url)) {
    return refuse("InvalidUrl", "the URL carries a query or a fragment; give query parameters as the request's query pairs")
  }
  if (request.query.some(([key, value]) => loneSurrogate.test(key) || loneSurrogate.test(value))) {
    return refuse("InvalidUrl", "a query key or value holds a lone UTF-16 surrogate, which cannot be sent as UTF-8; pass well-formed text")
  }
  const query = DdsRequest.encodeQuery(request.query)
  const fullUrl = query === "" ? request.url : `${request.url}?${query}`
  const url = parseUrl(fullUrl)
  if (url === undefined) {
    return refuse("InvalidUrl", "the URL cannot be parsed; give an absolute https:// URL")
  }
  if (url.username !== "" || url.password !== "") {
    return refuse("InvalidUrl", "the URL carries a user name or password; credentials belong to the signer")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refuse("InvalidUrl", `the scheme ${url.protocol} is not HTTP; use https://`)
  }
  if (url.protocol === "http:" && !allowInsecure && !isLoopback(url.hostname)) {
    return refuse(
      "Insecure",
      `plain http:// to ${url.host} would send the signed request in clear text; use https://, or set allowInsecure for a trusted network`
    )
  }
  const signedPath = DdsRequest.path(request)
  if (url.pathname !== signedPath) {
    return refuse(
      "InvalidUrl",
      `the path ${JSON.stringify(signedPath)} would go out as ${JSON.stringify(url.pathname)}, which breaks its signature; percent-encode each path segment before signing`
    )
  }
  for (const [name, value] of Object.entries(request.headers)) {
    const problem = headerProblem(name, value)
    if (problem !== undefined) return refuse("InvalidHeader", problem)
  }
  const signedHost = request.headers["host"]
  if (signedHost !== undefined && signedHost !== url.host) {
    return refuse(
      "InvalidUrl",
      `the host header ${JSON.stringify(signedHost)} differs from the URL's host ${JSON.stringify(url.host)}; sign the URL's host`
    )
  }
  return Either.right(fullUrl)
}

// RFC 9110: a header name is a token; a value is visible Latin-1 characters, with spaces and tabs
// only between them (an HTTP client refuses anything else, or trims it, which breaks the
// signature). Only the header's name is told: its value may be a credential.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// eslint-disable-next-line no-control-regex
const LINE_BREAK_OR_NUL = /[\r\n\u0000]/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const BEYOND_LATIN_1 = /[^\u0000-\u00ff]/

const headerProblem = (name: string, value: string): string | undefined => {
  const named = `the header ${JSON.stringify(name.slice(0, 64))}`
  if (!TOKEN.test(name)) return `${named} is not a valid header name; nothing was sent`
  const what = LINE_BREAK_OR_NUL.test(value)
    ? "a line break or a NUL"
    : CONTROL.test(value)
    ? "a control character"
    : BEYOND_LATIN_1.test(value)
    ? "a character outside Latin-1"
    : value !== value.trim()
    ? "leading or trailing white space"
    : undefined
  return what === undefined
    ? undefined
    : `${named} holds ${what}, which HTTP cannot carry as signed; nothing was sent: fix the value where it comes from (a credential, a configuration)`
}

const encoder = new TextEncoder()

// The answer's body, read up to `cap` bytes: a larger one fails as soon as its length says so or
// as soon as the bytes read pass the cap, and the rest is never read (the connection is dropped).
class TooLarge {
  readonly _tag = "TooLarge"
  constructor(readonly detail: string) {}
}

const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  cap: number
): Effect.Effect<string, HttpClientError.ResponseError | TooLarge> => {
  const declared = Number(response.headers["content-length"] ?? Number.NaN)
  if (declared > cap) {
    return Effect.fail(new TooLarge(`the answer (status ${response.status}) declares ${declared} bytes, more than the ${cap} this transport reads (maxAnswerBytes)`))
  }
  return Stream.runFoldEffect(
    response.stream,
    { chunks: [] as Array<Uint8Array>, size: 0 },
    (read, chunk) => {
      const size = read.size + chunk.length
      if (size > cap) {
        return Effect.fail(new TooLarge(`the answer (status ${response.status}) is longer than the ${cap} bytes this transport reads (maxAnswerBytes)`))
      }
      read.chunks.push(chunk)
      return Effect.succeed({ chunks: read.chunks, size })
    }
  ).pipe(Effect.map(({ chunks, size }) => {
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.length
    }
    return new TextDecoder().decode(bytes)
  }), Effect.catchIf(
    // fetch gives no body at all to an answer without one (a redirect, a 204): it is empty.
    (error) => error._tag === "ResponseError" && error.reason === "EmptyBody",
    () => Effect.succeed("")
  ))
}

// The body goes as bytes with exactly the request's content-type (or none): a string body would
// let fetch add `text/plain`, and the helpers of HttpClientRequest add a default type.
const toHttpRequest = (request: DdsRequest.DdsRequest, fullUrl: string): HttpClientRequest.HttpClientRequest => {
  // The HTTP client derives `host` from the URL, which was checked to be the signed value.
  const { host: _host, ...headers } = request.headers
  const base = HttpClientRequest.make(request.method)(fullUrl)
  const withBody = request.body === ""
    ? base
    : HttpClientRequest.setBody(
      base,
      HttpBody.raw(encoder.encode(request.body), { contentType: request.headers["content-type"] })
    )
  return HttpClientRequest.setHeaders(withBody, headers)
}

/**
 * A `Transport` over the `HttpClient` in context.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Transport.Transport["Type"], never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const timeout = Duration.decode(options.timeout ?? defaultTimeout)
    const allowInsecure = options.allowInsecure ?? false
    const maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES
    // Trace headers added by the client would be sent unsigned; the request goes out as signed.
    const httpClient = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)

    const execute = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
        httpClient.execute(request).pipe(
          // fetch follows redirects by itself, resending the signed headers to wherever it is told.
          Effect.provideService(FetchHttpClient.RequestInit, { ...Option.getOrElse(init, () => ({})), redirect: "manual" }),
          Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...sensitiveHeaderPatterns])
        ))

    const send = (request: DdsRequest.DdsRequest): Effect.Effect<DdsResponse.DdsResponse, Transport.TransportError> => {
      const fail = (refusal: Refusal, mayHaveReachedServer: boolean) =>
        new Transport.TransportError({ ...refusal, method: request.method, url: request.url, mayHaveReachedServer })
      const fullUrl = target(request, allowInsecure)
      if (Either.isLeft(fullUrl)) return Effect.fail(fail(fullUrl.left, false))

      return execute(toHttpRequest(request, fullUrl.right)).pipe(
        Effect.flatMap((response) =>
          Effect.map(readBody(response, maxAnswerBytes), (body) =>
            DdsResponse.make({ status: response.status, headers: response.headers, body })
          )
        ),
        Effect.scoped,
        Effect.mapError((error) =>
          error._tag === "TooLarge"
            // The service answered, so it received the request: a restore's answer is lost, not refused.
            ? fail({ reason: "AnswerTooLarge", detail: error.detail }, true)
            : fromHttpClientError(request, error)
        ),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            fail({
              reason: "Timeout",
              detail: `no complete answer within ${Duration.format(timeout)}`
            }, true)
        }),
        Effect.filterOrFail(
          (response) => response.status < 300 || response.status >= 400,
          (response) =>
            fail({
              reason: "Redirect",
              detail: `the endpoint redirected (${response.status}) to ${describeLocation(response.headers["location"], request.url)}, where the signed request was not resent; configure the endpoint the service lives at`
              // A redirect is an answer: whoever sent it did not carry out the request, so a restore
              // refused this way is not looked for in the task list.
            }, false)
        )
      )
    }

    return Transport.make(send)
  })

// Only where a redirect points, never its query: it may carry a token of its own.
const describeLocation = (location: string | undefined, base: string): string => {
  if (location === undefined) return "no location"
  const url = URL.canParse(location, base) ? new URL(location, base) : undefined
  return url === undefined ? "an unreadable location" : `${url.origin}${url.pathname}`
}

/**
 * A layer providing the `Transport`; it needs an `HttpClient` layer, for example
 * `FetchHttpClient.layer` or `NodeHttpClient.layerUndici`.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Transport.Transport, never, HttpClient.HttpClient> =>
  Layer.effect(Transport.Transport, make(options))
