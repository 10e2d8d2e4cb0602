/**
 * A request to the DDS API exactly as it is signed and sent: plain, immutable data that every
 * `Signer` and `Transport` agrees on. Sensitive header values never show in its JSON or inspect
 * output.
 *
 * @since 0.1.0
 */
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as Inspectable from "effect/Inspectable"

/**
 * An HTTP method the DDS API uses.
 *
 * @since 0.1.0
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD"

/**
 * Header names whose values are secrets or grant access. A header whose lower-case name is here,
 * or contains `token`, `secret`, `password` or `authorization`, is redacted when shown.
 *
 * @since 0.1.0
 */
export const sensitiveHeaderNames: ReadonlySet<string> = new Set([
  "authorization",
  "x-auth-token",
  "x-security-token",
  "x-subject-token",
  "cookie",
  "set-cookie",
  "proxy-authorization"
])

/**
 * Whether the value of a header must never be shown.
 *
 * @since 0.1.0
 */
export const isSensitiveHeader = (name: string): boolean => {
  const lower = name.toLowerCase()
  return sensitiveHeaderNames.has(lower) || /token|secret|password|authorization|credential/.test(lower)
}

/**
 * The headers with every sensitive value replaced by `<redacted>`.
 *
 * @since 0.1.0
 */
export const redactHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSensitiveHeader(name) ? "<redacted>" : value
  }
  return out
}

/**
 * The fields of a request.
 *
 * @since 0.1.0
 */
export interface Fields {
  /** Upper-case HTTP method. */
  readonly method: Method
  /** Absolute URL: scheme, host, optional port and path; never a query or a fragment. */
  readonly url: string
  /** The decoded query parameters, in order; a repeated key appears once per value. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** The exact body text sent (the empty string when there is none). */
  readonly body: string
  /**
   * The body holds a secret (an IAM password): shown as `<redacted>`, and kept so by `modify` and
   * `setHeaders`. Absent: false.
   */
  readonly sensitiveBody?: boolean | undefined
}

const TypeId: unique symbol = Symbol.for("@dds-restore/client/DdsRequest")

/**
 * A request to the DDS API.
 *
 * @since 0.1.0
 */
export class DdsRequest implements Fields, Inspectable.Inspectable, Equal.Equal {
  /** @since 0.1.0 */
  readonly [TypeId] = TypeId
  /** @since 0.1.0 */
  readonly method: Method
  /** @since 0.1.0 */
  readonly url: string
  /** @since 0.1.0 */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** @since 0.1.0 */
  readonly headers: Readonly<Record<string, string>>
  /** @since 0.1.0 */
  readonly body: string
  /** @since 0.1.0 */
  readonly sensitiveBody: boolean

  constructor(fields: Fields) {
    this.method = fields.method
    this.url = fields.url
    this.query = Object.freeze(fields.query.map(([k, v]) => Object.freeze([k, v] as const)))
    const headers: Record<string, string> = {}
    for (const name in fields.headers) headers[name.toLowerCase()] = fields.headers[name] ?? ""
    this.headers = Object.freeze(headers)
    this.body = fields.body
    this.sensitiveBody = fields.sensitiveBody === true
    Object.freeze(this)
  }

  /** @since 0.1.0 */
  toJSON(): unknown {
    return {
      _id: "DdsRequest",
      method: this.method,
      url: this.url,
      query: this.query,
      headers: redactHeaders(this.headers),
      body: this.sensitiveBody ? "<redacted>" : this.body
    }
  }

  /** @since 0.1.0 */
  toString(): string {
    return Inspectable.format(this.toJSON())
  }

  /** @since 0.1.0 */
  [Inspectable.NodeInspectSymbol](): unknown {
    return this.toJSON()
  }

  /** @since 0.1.0 */
  [Equal.symbol](that: Equal.Equal): boolean {
    return (
      isDdsRequest(that) &&
      this.method === that.method &&
      this.url === that.url &&
      this.body === that.body &&
      this.query.length === that.query.length &&
      this.query.every(([k, v], i) => that.query[i]?.[0] === k && that.query[i]?.[1] === v) &&
      sameHeaders(this.headers, that.headers)
    )
  }

  /** @since 0.1.0 */
  [Hash.symbol](): number {
    // Not cached on the instance: a request is frozen.
    return Hash.string(`${this.method} ${this.url} ${this.body}`)
  }
}

const sameHeaders = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/**
 * Whether a value is a `DdsRequest`.
 *
 * @since 0.1.0
 */
export const isDdsRequest = (u: unknown): u is DdsRequest => typeof u === "object" && u !== null && TypeId in u

/**
 * Makes a request; header names are lower-cased, the query defaults to none and the body to empty.
 *
 * @since 0.1.0
 */
export const make = (fields: {
  readonly method: Method
  readonly url: string
  readonly query?: ReadonlyArray<readonly [string, string]>
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  readonly sensitiveBody?: boolean
}): DdsRequest =>
  new DdsRequest({
    method: fields.method,
    url: fields.url,
    query: fields.query ?? [],
    headers: fields.headers ?? {},
    body: fields.body ?? "",
    sensitiveBody: fields.sensitiveBody
  })

/**
 * The same request with some fields changed.
 *
 * @since 0.1.0
 */
export const modify = (request: DdsRequest, fields: Partial<Fields>): DdsRequest =>
  new DdsRequest({
    method: fields.method ?? request.method,
    url: fields.url ?? request.url,
    query: fields.query ?? request.query,
    headers: fields.headers ?? request.headers,
    body: fields.body ?? request.body,
    sensitiveBody: fields.sensitiveBody ?? request.sensitiveBody
  })

/**
 * The same request with headers set (names lower-cased; an existing value is replaced).
 *
 * @since 0.1.0
 */
export const setHeaders = (request: DdsRequest, headers: Readonly<Record<string, string>>): DdsRequest => {
  const merged: Record<string, string> = { ...request.headers }
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value
  return modify(request, { headers: merged })
}

/**
 * The host (and port when given) of the request's URL, as the `host` header carries it.
 *
 * @since 0.1.0
 */
export const host = (request: Pick<Fields, "url">): string => new URL(request.url).host

/**
 * The path of the request's URL, exactly as written (not decoded).
 *
 * @since 0.1.0
 */
export const path = (request: Pick<Fields, "url">): string => {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/.exec(request.url)
  return match?.[1] ?? "/"
}

const unreserved = /^[A-Za-z0-9\-_.~]*$/
// encodeURIComponent keeps these five; the signature's rules encode them.
const markChars = /[!'()*]/g
const markEscape = (c: string): string => "%" + c.charCodeAt(0).toString(16).toUpperCase()

/**
 * Percent-encodes a path segment, a query key or a query value as the gateway's signature does:
 * unreserved `A-Z a-z 0-9 - _ . ~` kept, every other UTF-8 byte as `%XX` with upper-case hex. A
 * signer and a transport must agree on it byte for byte, so both take it from here. Throws a
 * `URIError` for a string holding a lone UTF-16 surrogate, which has no UTF-8 bytes.
 *
 * @since 0.1.0
 */
export const percentEncode = (value: string): string =>
  unreserved.test(value) ? value : encodeURIComponent(value).replace(markChars, markEscape)

/**
 * The query string (without `?`) of the pairs, in their order, each key and value percent-encoded
 * with `percentEncode`: what a transport sends, so that the gateway reads back what was signed.
 *
 * @since 0.1.0
 */
export const encodeQuery = (pairs: ReadonlyArray<readonly [string, string]>): string => {
  let out = ""
  for (const [key, value] of pairs) out += (out === "" ? "" : "&") + percentEncode(key) + "=" + percentEncode(value)
  return out
}
