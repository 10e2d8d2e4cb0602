/**
 * Reads a failure of the underlying HTTP client (undici, fetch or Node's http, whose errors differ)
 * as a `TransportError`, deciding whether the service may have seen the request.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import { type DdsRequest, Transport } from "@dds-restore/client"

// Failures before a connection exists (name resolution, connect, TLS handshake): nothing was
// written, so the service cannot have acted. Any other failure may come after the request was
// written, and for a restore "may have" is the safe answer.
const beforeConnectedCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID"
])

interface Causes {
  readonly codes: ReadonlyArray<string>
  readonly messages: ReadonlyArray<string>
  readonly aborted: boolean
}

// fetch wraps the socket error in `cause`, and a connect to several addresses (happy eyeballs)
// gives an AggregateError, so the whole tree is read.
const collect = (error: unknown): Causes => {
  const codes: Array<string> = []
  const messages: Array<string> = []
  let aborted = false
  const seen = new Set<unknown>()
  const visit = (u: unknown): void => {
    if (typeof u !== "object" || u === null || seen.has(u)) return
    seen.add(u)
    if ("code" in u && typeof u.code === "string") codes.push(u.code)
    if ("name" in u && u.name === "AbortError") aborted = true
    if (u instanceof Error && u.message !== "" && !messages.includes(u.message)) messages.push(u.message)
    if ("cause" in u) visit(u.cause)
    if (u instanceof AggregateError) u.errors.forEach(visit)
  }
  visit(error)
  return { codes, messages, aborted }
}

/** The `TransportError` for a failure of the HTTP client while sending a request or reading its answer. */
export const fromHttpClientError = (request: DdsRequest.DdsRequest, error: HttpClientError.HttpClientError): Transport.TransportError => {
  const fields = { method: request.method, url: request.url }
  if (error._tag === "RequestError" && error.reason === "InvalidUrl") {
    return new Transport.TransportError({ ...fields, reason: "InvalidUrl", mayHaveReachedServer: false, detail: "the HTTP client could not parse the URL" })
  }
  const causes = collect(error.cause)
  const detail = causes.messages.length > 0 ? causes.messages.join(": ") : `${error._tag} (${error.reason})`
  if (error._tag === "ResponseError") {
    return new Transport.TransportError({ ...fields, reason: "Connection", mayHaveReachedServer: true, detail: `the answer was cut off while being read: ${detail}` })
  }
  if (causes.aborted) {
    return new Transport.TransportError({ ...fields, reason: "Aborted", mayHaveReachedServer: true, detail })
  }
  const beforeConnected = causes.codes.length > 0 && causes.codes.every((code) => beforeConnectedCodes.has(code))
  return new Transport.TransportError({ ...fields, reason: "Connection", mayHaveReachedServer: !beforeConnected, detail })
}
