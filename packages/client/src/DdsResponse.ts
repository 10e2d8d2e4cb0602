/**
 * The raw answer of the DDS API to one request, as a `Transport` returns it, before the client
 * decodes it.
 *
 * @since 0.1.0
 */
import * as Inspectable from "effect/Inspectable"
import { redactHeaders } from "./DdsRequest.js"

/**
 * A raw answer.
 *
 * @since 0.1.0
 */
export interface DdsResponse {
  /** HTTP status code. */
  readonly status: number
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** The body text (the empty string when there is none). */
  readonly body: string
}

/**
 * Makes a response; header names are lower-cased, sensitive header values are hidden when shown.
 *
 * @since 0.1.0
 */
export const make = (fields: {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}): DdsResponse => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields.headers ?? {})) headers[name.toLowerCase()] = value
  const response: DdsResponse = {
    status: fields.status,
    headers: Object.freeze(headers),
    body: fields.body ?? ""
  }
  const toJSON = () => ({ _id: "DdsResponse", status: response.status, headers: redactHeaders(response.headers), body: response.body })
  Object.defineProperties(response, {
    toJSON: { value: toJSON },
    toString: { value: () => Inspectable.format(toJSON()) },
    [Inspectable.NodeInspectSymbol]: { value: toJSON }
  })
  return Object.freeze(response)
}

/**
 * The `X-Request-Id` of an answer, when it has one.
 *
 * @since 0.1.0
 */
export const requestId = (response: DdsResponse): string | undefined =>
  response.headers["x-request-id"] ?? response.headers["x-openstack-request-id"]
