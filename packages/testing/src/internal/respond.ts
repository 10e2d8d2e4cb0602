// How the fake answers: a JSON body, or the service's error body `{ error_code, error_msg }`.
// The `x-request-id` and `date` headers are added by the handler to every answer.
import type { Wire } from "@dds-restore/domain"

/** An answer before the handler adds its common headers. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A JSON answer. */
export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/** The service's error answer; the gateway's also carry the request id in the body. */
export const error = (status: number, code: string, message: string, requestId?: string): Answer => {
  const body: typeof Wire.ErrorBody.Encoded = requestId === undefined
    ? { error_code: code, error_msg: message }
    : { error_code: code, error_msg: message, request_id: requestId }
  return json(status, body)
}

/** 400 DBS.200001, the service's parameter error, saying which parameter and why. */
export const parameterError = (message: string): Answer => error(400, "DBS.200001", `Parameter error: ${message}`)

/** 404 DBS.200002: the instance does not exist (in this project). */
export const instanceNotFound = (instanceId: string): Answer =>
  error(404, "DBS.200002", `The DB instance does not exist: ${instanceId}`)
