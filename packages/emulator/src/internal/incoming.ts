// Turns what arrived on a socket into a `DdsRequest` exactly as received (the raw path, the query
// pairs decoded from the raw query string, lower-case headers, the body text), or into the 4xx the
// service answers for input it cannot read.
import { DdsRequest } from "@dds-restore/client"
import type * as Http from "node:http"

/** A request the emulator refuses before the fake sees it. */
export interface Refusal {
  readonly status: number
  readonly code: string
  readonly message: string
}

/** Bodies larger than this are answered 413: no DDS call sends anything near it. */
export const maxBodyBytes = 1024 * 1024

// Past this much, a too-large body is no longer drained (so the 413 can be read by the client)
// but the connection is cut after the answer.
export const maxDrainBytes = 8 * maxBodyBytes

const methods: ReadonlySet<string> = new Set<DdsRequest.Method>(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])

const parameterError = (message: string): Refusal => ({ status: 400, code: "DBS.200001", message })

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/** The decoded query pairs of a raw query string, in order; `undefined` for bad percent-encoding. */
export const parseQuery = (raw: string): Array<readonly [string, string]> | undefined => {
  const pairs: Array<readonly [string, string]> = []
  for (const piece of raw.split("&")) {
    if (piece === "") continue
    const equals = piece.indexOf("=")
    const key = decodeComponent(equals === -1 ? piece : piece.slice(0, equals))
    const value = equals === -1 ? "" : decodeComponent(piece.slice(equals + 1))
    if (key === undefined || value === undefined) return undefined
    pairs.push([key, value])
  }
  return pairs
}

const headersOf = (incoming: Http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

/**
 * The `DdsRequest` for what arrived. `origin` (`http://host:port`, the emulator's own address) is
 * put before the raw path, which is kept as written so the signature check sees the path signed.
 */
export const toDdsRequest = (
  incoming: Http.IncomingMessage,
  body: Buffer,
  origin: string
): { readonly _tag: "Request"; readonly request: DdsRequest.DdsRequest } | { readonly _tag: "Refused"; readonly refusal: Refusal } => {
  const refuse = (refusal: Refusal) => ({ _tag: "Refused", refusal }) as const
  const method = incoming.method ?? ""
  if (!methods.has(method)) {
    return refuse({ status: 405, code: "DBS.200001", message: `The method ${method.slice(0, 20)} is not supported.` })
  }
  const target = incoming.url ?? ""
  if (!target.startsWith("/")) return refuse(parameterError("The request target must be a path starting with /."))
  const question = target.indexOf("?")
  const rawPath = question === -1 ? target : target.slice(0, question)
  const rawQuery = question === -1 ? "" : target.slice(question + 1)
  if (rawPath.split("/").some((segment) => decodeComponent(segment) === undefined)) {
    return refuse(parameterError("The path has invalid percent-encoding."))
  }
  const url = origin + rawPath
  if (!URL.canParse(url)) return refuse(parameterError("The path is not a valid URL path."))
  const query = parseQuery(rawQuery)
  if (query === undefined) return refuse(parameterError("The query string has invalid percent-encoding."))
  let text: string
  try {
    text = utf8.decode(body)
  } catch {
    return refuse(parameterError("The body is not valid UTF-8."))
  }
  return {
    _tag: "Request",
    request: DdsRequest.make({ method: method as DdsRequest.Method, url, query, headers: headersOf(incoming), body: text })
  }
}
