// The IAM conversation behind TokenProvider: the password-method request, and what each answer
// means (a token, wrong credentials, a failure worth retrying, or one that is not).
import { DdsRequest, DdsResponse } from "@dds-restore/client"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { ProjectScope } from "../TokenProvider.js"


/** Who asks IAM for a token, and where. */
export interface Identity {
  readonly tokensUrl: string
  readonly userName: string
  readonly domainName: string
  readonly password: Redacted.Redacted<string>
  readonly project: ProjectScope
}

/** A token as IAM issued it. */
export interface Issued {
  readonly token: Redacted.Redacted<string>
  readonly expiresAt: number
}

/** Why one attempt to obtain a token failed; `retryable` when asking again may succeed. */
export class AttemptFailure extends Data.TaggedError("AttemptFailure")<{
  readonly reason: "InvalidCredentials" | "TokenUnavailable"
  readonly retryable: boolean
  readonly what: string
  readonly next: string
}> {}

/**
 * The `POST /v3/auth/tokens` request of the password method. Its body carries the password in
 * clear text, and a transport or a user's logging may show the request, so the body is marked
 * sensitive: shown as `<redacted>`, through any `modify` a wrapper makes.
 */
export const passwordRequest = (identity: Identity): DdsRequest.DdsRequest =>
  DdsRequest.make({
    method: "POST",
    url: identity.tokensUrl,
    headers: { "content-type": "application/json" },
    sensitiveBody: true,
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: {
              name: identity.userName,
              password: Redacted.value(identity.password),
              domain: { name: identity.domainName }
            }
          }
        },
        scope: { project: "id" in identity.project ? { id: identity.project.id } : { name: identity.project.name } }
      }
    })
  })

const TokenBody = Schema.parseJson(Schema.Struct({ token: Schema.Struct({ expires_at: Schema.String }) }))

const Code = Schema.Union(Schema.String, Schema.Number)
// IAM answers errors in two shapes: the cloud's `{error_code, error_msg}` and Keystone's
// `{error: {code, message}}`; read whichever is there and ignore the rest.
const ErrorBody = Schema.parseJson(
  Schema.Struct({
    error_code: Schema.optional(Code),
    error_msg: Schema.optional(Schema.String),
    error: Schema.optional(Schema.Struct({ code: Schema.optional(Code), message: Schema.optional(Schema.String) }))
  })
)

const describeError = (response: DdsResponse.DdsResponse, password: Redacted.Redacted<string>): string => {
  let text = `HTTP ${response.status}`
  const body = Schema.decodeUnknownOption(ErrorBody)(response.body)
  if (Option.isSome(body)) {
    const code = body.value.error_code ?? body.value.error?.code
    const message = body.value.error_msg ?? body.value.error?.message
    if (code !== undefined) text += `, ${code}`
    // IAM does not echo the password, but a proxy in between might; never let it through.
    if (message !== undefined) text += `: ${scrub(message, password)}`
  }
  const requestId = DdsResponse.requestId(response)
  return requestId === undefined ? text : `${text}, request id ${requestId}`
}

const scrub = (text: string, secret: Redacted.Redacted<string>): string => {
  const value = Redacted.value(secret)
  return value.length === 0 ? text : text.split(value).join("<redacted>")
}

const mentions = (identity: Identity): string =>
  `user "${identity.userName}" of domain "${identity.domainName}" at ${identity.tokensUrl}`

const scope = (project: ProjectScope): string => ("id" in project ? `project id "${project.id}"` : `project "${project.name}"`)

/** What IAM's answer to the password request means. */
export const interpret = (
  identity: Identity,
  response: DdsResponse.DdsResponse
): Either.Either<Issued, AttemptFailure> => {
  if (response.status >= 200 && response.status < 300) {
    const token = response.headers["x-subject-token"]
    if (token === undefined || token.length === 0) {
      return Either.left(
        new AttemptFailure({
          reason: "TokenUnavailable",
          retryable: false,
          what: `IAM answered ${response.status} without an X-Subject-Token header for ${mentions(identity)}`,
          next: "Check that the endpoint is an IAM v3 endpoint (https://iam.{region}.myhuaweicloud.com)."
        })
      )
    }
    const expiresAt = Option.flatMap(Schema.decodeUnknownOption(TokenBody)(response.body), (body) => {
      const millis = Date.parse(body.token.expires_at)
      return Number.isNaN(millis) ? Option.none() : Option.some(millis)
    })
    if (Option.isNone(expiresAt)) {
      return Either.left(
        new AttemptFailure({
          reason: "TokenUnavailable",
          retryable: false,
          what: `IAM answered ${response.status} without a valid token.expires_at for ${mentions(identity)}`,
          next: "Check that the endpoint is an IAM v3 endpoint (https://iam.{region}.myhuaweicloud.com)."
        })
      )
    }
    return Either.right({ token: Redacted.make(token), expiresAt: expiresAt.value })
  }
  const described = describeError(response, identity.password)
  if (response.status === 401) {
    return Either.left(
      new AttemptFailure({
        reason: "InvalidCredentials",
        retryable: false,
        what: `IAM refused the password of ${mentions(identity)} (${described})`,
        next: "Check the user name, the domain name and the password (HUAWEICLOUD_SDK_IAM_USER, HUAWEICLOUD_SDK_IAM_DOMAIN, HUAWEICLOUD_SDK_IAM_PASSWORD)."
      })
    )
  }
  if (response.status === 429 || response.status >= 500) {
    return Either.left(
      new AttemptFailure({
        reason: "TokenUnavailable",
        retryable: true,
        what: `IAM could not issue a token for ${mentions(identity)} (${described})`,
        next: "IAM is throttling or unavailable: try again in a few minutes."
      })
    )
  }
  return Either.left(
    new AttemptFailure({
      reason: "TokenUnavailable",
      retryable: false,
      what: `IAM refused to issue a token scoped to ${scope(identity.project)} for ${mentions(identity)} (${described})`,
      next: "Check that the project (HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_SDK_REGION) exists and that the user may log in with a password."
    })
  )
}
