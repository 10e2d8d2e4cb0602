/**
 * The service (or its API gateway) answered with an error status. Keeps what is needed to act on
 * it and to ask support about it: the status, the error code, the service's own message, the
 * `X-Request-Id` and the operation, and tells the kind of failure (throttled, busy, auth...) with
 * the next step to take (docs/service.md, Errors).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

// Gateways spell their prefix `APIGW.` or `APIG.` depending on their version: the number decides.
const normalise = (code: string): string => code.replace(/^APIG\./, "APIGW.")

const throttledCodes: ReadonlySet<string> = new Set(["APIGW.0308", "DBS.280443"])
const busyCodes: ReadonlySet<string> = new Set(["DBS.200019", "DBS.200076", "DBS.201000", "DBS.201014", "DBS.201015"])
const authCodes: ReadonlySet<string> = new Set(["APIGW.0301", "APIGW.0303", "APIGW.0305", "DBS.280056"])
const instanceMissingCodes: ReadonlySet<string> = new Set(["DBS.200002", "DBS.280110"])
const invalidRequestCodes: ReadonlySet<string> = new Set([
  "DBS.200001",
  "DBS.280001",
  "DBS.280409",
  "DBS.280342",
  "DBS.280343",
  "DBS.239020"
])

/**
 * What kind of failure an error answer is, which decides what to do next.
 *
 * @since 0.1.0
 */
export type Kind =
  | "Throttled"
  | "Busy"
  | "Unauthenticated"
  | "Forbidden"
  | "InstanceNotFound"
  | "InvalidRequest"
  | "ServerError"
  | "Other"

/**
 * An error answer of the DDS API.
 *
 * @since 0.1.0
 */
export class ServiceError extends Schema.TaggedError<ServiceError>("@dds-restore/client/ServiceError")("ServiceError", {
  /** HTTP status of the answer. */
  status: Schema.Number,
  /** The service's error code (`DBS.200001`, `APIGW.0308`...), or `HTTP.<status>` when the body had none. */
  code: Schema.String,
  /** The service's own message, or the status text when the body was not an error body. */
  detail: Schema.String,
  /** `X-Request-Id` of the answer (or the body's `request_id`), to quote to support. */
  requestId: Schema.optionalWith(Schema.String, { exact: true }),
  /** The `RestoreClient` operation that was called (`restore`, `job`...). */
  operation: Schema.String
}) {
  /**
   * The kind of failure, from the status and the code.
   *
   * @since 0.1.0
   */
  get kind(): Kind {
    const code = normalise(this.code)
    if (this.status === 429 || throttledCodes.has(code)) return "Throttled"
    if (this.status === 401 || authCodes.has(code)) return "Unauthenticated"
    if (busyCodes.has(code)) return "Busy"
    if (code === "DBS.280063") return "Forbidden"
    if (instanceMissingCodes.has(code)) return "InstanceNotFound"
    if (invalidRequestCodes.has(code)) return "InvalidRequest"
    if (this.status >= 500) return "ServerError"
    if (this.status === 403) return "Forbidden"
    return "Other"
  }

  /**
   * The service refused for throttling (429, `APIGW.0308`, `DBS.280443`): back off and try again.
   *
   * @since 0.1.0
   */
  get isThrottled(): boolean {
    return this.kind === "Throttled"
  }

  /**
   * The instance is busy or its state forbids the call (403 with `DBS.200019`, `DBS.200076`,
   * `DBS.201000`, `DBS.201014`, `DBS.201015`).
   *
   * @since 0.1.0
   */
  get isBusy(): boolean {
    return this.kind === "Busy"
  }

  /**
   * The request was not authenticated (401, `APIGW.0301`/`0303`/`0305`, `DBS.280056`); nothing
   * was done.
   *
   * @since 0.1.0
   */
  get isAuth(): boolean {
    return this.kind === "Unauthenticated"
  }

  /**
   * The gateway refused the signature as too far from its own clock: a 401 saying `signature
   * expired`. For AK/SK the gateway answers it under `APIGW.0301` ("Incorrect IAM authentication
   * information"), the code of every refused signature, so the message decides.
   *
   * @since 0.1.0
   */
  get isClockSkew(): boolean {
    return this.status === 401 && /signature expired/i.test(this.detail)
  }

  /**
   * What to do next about this kind of failure.
   *
   * @since 0.1.0
   */
  get nextStep(): string {
    switch (this.kind) {
      case "Throttled":
        return "The request rate is over the limit: wait a few seconds (2 to 5) and try again, with back-off."
      case "Busy":
        return "The instance is busy or its state forbids this: wait until it is `normal` with no running actions, then try again."
      case "Unauthenticated":
        return this.isClockSkew
          ? "The signature time is too far from the service's clock: correct this machine's clock (NTP) and try again."
          : "The credentials were refused: check the access key, secret key, security token or IAM token, and the project id."
      case "Forbidden":
        return "The credentials lack permission: grant the IAM action (dds:instance:restore for a restore) and try again."
      case "InstanceNotFound":
        return "The instance does not exist in this project and region: check the instance id, project id and endpoint."
      case "InvalidRequest":
        return "The service refused the request's parameters: correct them as its message says; trying again as is will fail again."
      case "ServerError":
        return "The service failed: a read can be tried again later; for a restore, look the job up (RestoreClient.reconcile) before submitting again."
      case "Other":
        return "Read the service's message and code, and quote the request id if you contact support."
    }
  }

  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : `, request id ${this.requestId}`
    return `${this.operation} failed with HTTP ${this.status} ${this.code}: ${this.detail} (${this.kind}${id}). ${this.nextStep}`
  }
}
