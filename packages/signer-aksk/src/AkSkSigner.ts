/**
 * The `SDK-HMAC-SHA256` (AK/SK) signer, byte-compatible with the official Huawei Cloud SDKs, and the
 * pure functions a server needs to verify what it signs.
 *
 * @since 0.1.0
 */
import { DdsRequest, SdkDate, Signer } from "@dds-restore/client"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createHmac, hash, timingSafeEqual } from "node:crypto"
import { type Credentials as CredentialsShape, type CredentialsError, load as loadCredentials } from "./Credentials.js"

/**
 * An access key pair; the secret key and the security token stay `Redacted` until the HMAC call.
 *
 * @since 0.1.0
 */
export type Credentials = CredentialsShape

/**
 * The name of the algorithm, first word of the `Authorization` header and of the string to sign.
 *
 * @since 0.1.0
 */
export const algorithm = "SDK-HMAC-SHA256"

/**
 * The payload hash of a body that is not hashed, sent as `X-Sdk-Content-Sha256` and signed.
 *
 * @since 0.1.0
 */
export const unsignedPayload = "UNSIGNED-PAYLOAD"

const emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// The headers this signer signs when they are on the request, already in canonical (sorted) order.
const signableHeaders = ["content-type", "host", "x-project-id", "x-sdk-content-sha256", "x-sdk-date", "x-security-token"]

const unreservedPath = /^[A-Za-z0-9\-_.~/]*$/

/**
 * The canonical URI of a path as written (not decoded first): each `/`-separated segment
 * percent-encoded (`DdsRequest.percentEncode`), and a trailing `/` added when missing.
 *
 * @since 0.1.0
 */
export const canonicalUri = (path: string): string => {
  const uri = unreservedPath.test(path) ? path : path.split("/").map(DdsRequest.percentEncode).join("/")
  return uri.endsWith("/") ? uri : uri + "/"
}

const byKeyThenValue = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0

/**
 * The canonical query string: pairs sorted by key then value (by UTF-16 code unit, before
 * encoding), then written as the transports send a query (`DdsRequest.encodeQuery`); the empty
 * string for no query.
 *
 * @since 0.1.0
 */
export const canonicalQueryString = (query: ReadonlyArray<readonly [string, string]>): string =>
  query.length === 0 ? "" : DdsRequest.encodeQuery(query.length === 1 ? query : [...query].sort(byKeyThenValue))

const urlParts = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(\/[^?#]*)?/
const plainHost = /^[a-z0-9.-]+$/

interface Target {
  readonly url: string
  readonly host: string
  readonly canonicalUri: string
}

// A client signs the same few URLs over and over (retries, polling a job), so the last URL's host
// and canonical URI are kept rather than parsed and encoded again at every signature. What it buys,
// in bench/sign.bench.ts: signing takes 1.3x to 1.4x the hashing floor with it, 1.45x to 1.5x
// without (the fastest runs; the other speed tricks signing had showed no difference and are gone).
let lastTarget: Target = { url: "", host: "", canonicalUri: "/" }

// The host as the client's HTTP stack sends it: a plain lower-case host name is taken as written,
// anything else (a port, upper case, an IDN) goes through the URL parser, which drops a default
// port and lower-cases as the Host header does.
const targetOf = (url: string): Target => {
  if (url === lastTarget.url) return lastTarget
  const parts = urlParts.exec(url)
  const authority = parts?.[1] ?? ""
  lastTarget = {
    url,
    host: plainHost.test(authority) ? authority : DdsRequest.host({ url }),
    canonicalUri: canonicalUri(parts?.[2] ?? "/")
  }
  return lastTarget
}

// The one-shot hash skips the Hash object a streaming createHash would allocate.
const sha256Hex = (text: string): string => hash("sha256", text, "hex")

const payloadHash = (body: string, headers: Readonly<Record<string, string>>, sortedNames: ReadonlyArray<string>): string => {
  // The header is trusted only when it is signed; otherwise anyone could add it to skip the body.
  const declared = headers["x-sdk-content-sha256"]
  if (declared !== undefined && sortedNames.includes("x-sdk-content-sha256")) return declared
  return body === "" ? emptyBodyHash : sha256Hex(body)
}

const buildCanonicalRequest = (
  request: DdsRequest.Fields,
  headers: Readonly<Record<string, string>>,
  target: Target,
  sortedNames: ReadonlyArray<string>,
  signedHeaders: string
): string => {
  let block = ""
  for (const name of sortedNames) {
    block += name + ":" + (name === "host" ? (headers["host"] ?? target.host) : (headers[name] ?? "")).trim() + "\n"
  }
  return (
    request.method.toUpperCase() + "\n" +
    target.canonicalUri + "\n" +
    canonicalQueryString(request.query) + "\n" +
    block + "\n" +
    signedHeaders + "\n" +
    payloadHash(request.body, headers, sortedNames)
  )
}

/**
 * The canonical request of a request for the given signed headers (lower-case names, sorted here).
 * `host` is taken from the `host` header, else from the URL; the payload hash is the signed
 * `X-Sdk-Content-Sha256` when there is one, else the SHA-256 of the body.
 *
 * @since 0.1.0
 */
export const canonicalRequest = (request: DdsRequest.Fields, signedHeaders: ReadonlyArray<string>): string => {
  const sorted = [...signedHeaders].sort()
  return buildCanonicalRequest(request, request.headers, targetOf(request.url), sorted, sorted.join(";"))
}

/**
 * The string to sign: the algorithm, the `X-Sdk-Date` and the hex SHA-256 of the canonical request.
 *
 * @since 0.1.0
 */
export const stringToSign = (canonical: string, date: string): string => algorithm + "\n" + date + "\n" + sha256Hex(canonical)

const hmacHex = (secret: Redacted.Redacted<string>, text: string): string =>
  createHmac("sha256", Redacted.value(secret)).update(text, "utf8").digest("hex")

/**
 * Signs a request at the given `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`): sets `X-Sdk-Date`, and
 * `X-Security-Token` for temporary credentials, replaces any `Authorization`, and signs `host`,
 * `x-sdk-date` and `content-type`, `x-project-id`, `x-sdk-content-sha256`, `x-security-token`
 * when present. Throws a `URIError` when the path or the query holds a lone UTF-16 surrogate, a
 * `TypeError` when the URL has no host.
 *
 * @since 0.1.0
 */
export const signRequest = (request: DdsRequest.DdsRequest, credentials: Credentials, date: string): DdsRequest.DdsRequest => {
  // Copied without `authorization` rather than deleted from a copy: `delete` makes V8 slow the object down.
  const headers: Record<string, string> = {}
  for (const name in request.headers) {
    if (name !== "authorization") headers[name] = request.headers[name] ?? ""
  }
  headers["x-sdk-date"] = date
  if (credentials.securityToken !== undefined) headers["x-security-token"] = Redacted.value(credentials.securityToken)
  const names = signableHeaders.filter((name) => name === "host" || headers[name] !== undefined)
  const signedHeaders = names.join(";")
  const canonical = buildCanonicalRequest(request, headers, targetOf(request.url), names, signedHeaders)
  const signature = hmacHex(credentials.secretAccessKey, stringToSign(canonical, date))
  headers["authorization"] =
    algorithm + " Access=" + credentials.accessKeyId + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature
  return new DdsRequest.DdsRequest({
    method: request.method,
    url: request.url,
    query: request.query,
    headers,
    body: request.body,
    sensitiveBody: request.sensitiveBody
  })
}

/**
 * Why a request was refused by `verify`.
 *
 * @since 0.1.0
 */
export type InvalidReason =
  | "MissingAuthorization"
  | "MissingDate"
  | "MalformedAuthorization"
  | "UnknownAccessKey"
  | "SignatureMismatch"
  | "Expired"

/**
 * A request whose signature holds, made by the given access key.
 *
 * @since 0.1.0
 */
export interface Valid {
  readonly _tag: "Valid"
  readonly accessKeyId: string
}

/**
 * A refused request: which check failed and why, in words that carry no secret and no expected
 * signature. `serverTime` (an `X-Sdk-Date`) is set for `Expired`, so the caller can correct its clock.
 *
 * @since 0.1.0
 */
export interface Invalid {
  readonly _tag: "Invalid"
  readonly reason: InvalidReason
  readonly detail: string
  readonly serverTime?: string
}

/**
 * The outcome of `verify`.
 *
 * @since 0.1.0
 */
export type Verification = Valid | Invalid

const invalid = (reason: InvalidReason, detail: string): Invalid => ({ _tag: "Invalid", reason, detail })

const authorizationPattern = /^SDK-HMAC-SHA256 Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/

/**
 * Checks a received request as the gateway does: the `Authorization` and `X-Sdk-Date` headers are
 * there and well formed, the access key is known, the date is within 15 minutes of `now` (epoch
 * ms) and the signature matches.
 *
 * @since 0.1.0
 */
export const verify = (
  request: DdsRequest.Fields,
  lookupSecret: (accessKeyId: string) => Redacted.Redacted<string> | undefined,
  now: number
): Verification => {
  const authorization = request.headers["authorization"]
  if (authorization === undefined) return invalid("MissingAuthorization", "the request has no Authorization header")
  const date = request.headers["x-sdk-date"]
  if (date === undefined) return invalid("MissingDate", "the request has no X-Sdk-Date header")
  const parts = authorizationPattern.exec(authorization)
  if (parts === null) {
    return invalid(
      "MalformedAuthorization",
      "the Authorization header is not 'SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<names>, Signature=<64 hex digits>'"
    )
  }
  const [, accessKeyId = "", names = "", signature = ""] = parts
  const signedHeaders = names.split(";")
  const signedAt = SdkDate.parse(date)
  if (signedAt === undefined) return invalid("MalformedAuthorization", `X-Sdk-Date '${date}' is not YYYYMMDDTHHMMSSZ`)
  if (!signedHeaders.includes("x-sdk-date")) return invalid("MalformedAuthorization", "SignedHeaders does not include x-sdk-date")
  for (const name of signedHeaders) {
    if (name === "authorization") return invalid("MalformedAuthorization", "SignedHeaders includes authorization")
    if (name !== "host" && request.headers[name] === undefined) {
      return invalid("MalformedAuthorization", `the signed header ${name} is not on the request`)
    }
  }
  const secret = lookupSecret(accessKeyId)
  if (secret === undefined) return invalid("UnknownAccessKey", `the access key ${accessKeyId} is not known`)
  if (Math.abs(now - signedAt) > SdkDate.maxClockSkewMillis) {
    const serverTime = SdkDate.format(now)
    return {
      _tag: "Invalid",
      reason: "Expired",
      detail: `signature expired, signature time:${date},server time:${serverTime}`,
      serverTime
    }
  }
  const declared = request.headers["x-sdk-content-sha256"]
  if (
    declared !== undefined && declared !== unsignedPayload && signedHeaders.includes("x-sdk-content-sha256") &&
    declared !== sha256Hex(request.body)
  ) {
    return invalid("SignatureMismatch", "the body does not match its X-Sdk-Content-Sha256")
  }
  const expected = hmacHex(secret, stringToSign(canonicalRequest(request, signedHeaders), date))
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
    ? { _tag: "Valid", accessKeyId }
    : invalid("SignatureMismatch", "the signature does not match the request (method, path, query, signed headers or body)")
}

/**
 * The `Signer` service value: signs each request at the current time of the Effect `Clock`, read at
 * every call, so `TestClock` and a skew-corrected clock (`Effect.withClock`) drive `X-Sdk-Date`.
 *
 * @since 0.1.0
 */
export const make = (credentials: Credentials): Signer.Signer["Type"] =>
  Signer.Signer.of({
    sign: (request) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.try({
          try: () => signRequest(request, credentials, SdkDate.format(now)),
          catch: (cause) =>
            new Signer.SignerError({
              reason: "InvalidRequest",
              detail: `${request.method} ${request.url}: ` + (cause instanceof URIError
                ? "the path or a query parameter holds a lone UTF-16 surrogate, which cannot be percent-encoded; fix the string before sending it"
                : "the URL is not an absolute URL with a host; give the endpoint as https://host[:port]")
            })
        }))
  })

/**
 * A layer providing the AK/SK `Signer` for the given credentials.
 *
 * @since 0.1.0
 */
export const layer = (credentials: Credentials): Layer.Layer<Signer.Signer> => Layer.succeed(Signer.Signer, make(credentials))

/**
 * A layer providing the AK/SK `Signer` with credentials from `Config`: by default
 * `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, else the `[basic]`
 * section of the credentials file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
 * `~/.huaweicloud/credentials`); or from the given config.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  config?: Config.Config<Credentials>
): Layer.Layer<Signer.Signer, CredentialsError | ConfigError.ConfigError> =>
  Layer.effect(Signer.Signer, Effect.map(config === undefined ? loadCredentials : config, make))
