/**
 * The errors of a call to `RestoreClient`, in one place: the service's error answer
 * (`ServiceError`), an answer that could not be read (`ResponseDecodeError`), an argument refused
 * before anything is sent (`InvalidArgument`) and a missing instance (`InstanceNotFound`), and
 * `CallError`, every way a call that reached the point of sending can fail. The errors of a seam
 * stay beside it (`TransportError`, `SignerError`), as do those of a concept (`JobFailed`,
 * `PreflightFailed`, `RestoreOutcomeUnknown`).
 *
 * Every error says what was wrong and what to do next; none carries a secret.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { SignerError } from "./Signer.js"
import type { TransportError } from "./Transport.js"

/**
 * Every way a call that reached the point of sending can fail.
 *
 * @since 0.1.0
 */
export type CallError = ServiceError | TransportError | SignerError | ResponseDecodeError

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
 * An error answer of the DDS API (or its gateway): the status, the error code, the service's own
 * message, the `X-Request-Id` and the operation, with the kind of failure and the next step to take
 * (docs/service.md, Errors).
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

/**
 * An answer that could not be read: a body that is not JSON, or JSON that does not match the
 * call's schema. Usually a proxy in the way or a change of the API.
 *
 * @since 0.1.0
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>(
  "@dds-restore/client/ResponseDecodeError"
)("ResponseDecodeError", {
  /** HTTP status of the answer. */
  status: Schema.Number,
  /** `X-Request-Id` of the answer, to quote to support. */
  requestId: Schema.optionalWith(Schema.String, { exact: true }),
  /** The `RestoreClient` operation that was called. */
  operation: Schema.String,
  /** What did not match, kept short (the first issue, with its path). */
  issue: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : ` (request id ${this.requestId})`
    return `${this.operation}: the answer (HTTP ${this.status})${id} could not be read: ${this.issue}. ` +
      "Check that the endpoint is the DDS API and not a proxy or a login page; if it is, report the request id."
  }
}

/**
 * An argument refused before any request is built, so nothing reaches the service: an id that
 * cannot be placed in a URL path, a day that is not `YYYY-MM-DD`, a time span the service refuses.
 *
 * @since 0.1.0
 */
export class InvalidArgument extends Schema.TaggedError<InvalidArgument>("@dds-restore/client/InvalidArgument")(
  "InvalidArgument",
  {
    /** The `RestoreClient` operation that was called. */
    operation: Schema.String,
    /** Which argument: `instanceId`, `jobId`, `day`, `at`, `from`, `to`... */
    argument: Schema.String,
    /** What was wrong (quoting the value, cut short) and what is expected. */
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.operation}: ${this.argument} ${this.reason}`
  }
}

/**
 * No instance with this id in the configured project and region.
 *
 * @since 0.1.0
 */
export class InstanceNotFound extends Schema.TaggedError<InstanceNotFound>("@dds-restore/client/InstanceNotFound")(
  "InstanceNotFound",
  {
    instanceId: Schema.String,
    /** `X-Request-Id` of the answer, to quote to support. */
    requestId: Schema.optionalWith(Schema.String, { exact: true })
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const id = this.requestId === undefined ? "" : ` (request id ${this.requestId})`
    return `No DDS instance ${this.instanceId} in this project${id}: ` +
      "check the instance id, and that the project id and the endpoint (region) are the instance's."
  }
}
