// IAM's token call (docs/service.md, IAM tokens): the password method against the seed's users, a token in the
// `X-Subject-Token` header, and the check of `X-Auth-Token` on the calls that use one. IAM's error
// body is its own `{ error: { code, title, message } }`, not the DDS one.
import type { DdsRequest } from "@dds-restore/client"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Seed from "../Seed.js"
import { type Answer, json } from "./respond.js"
import type * as S from "./state.js"

const PasswordAuth = Schema.Struct({
  auth: Schema.Struct({
    identity: Schema.Struct({
      methods: Schema.Array(Schema.String),
      password: Schema.Struct({
        user: Schema.Struct({
          name: Schema.String,
          password: Schema.String,
          domain: Schema.Struct({ name: Schema.String })
        })
      })
    }),
    scope: Schema.Struct({
      project: Schema.Union(Schema.Struct({ id: Schema.String }), Schema.Struct({ name: Schema.String }))
    })
  })
})

const decodeAuth = Schema.decodeUnknownEither(PasswordAuth)

const iamError = (status: number, title: string, message: string): Answer =>
  json(status, { error: { code: status, title, message } })

/** A token request the seed's users may make, or IAM's refusal. */
export type TokenRequest =
  | { readonly _tag: "Refused"; readonly answer: Answer }
  | { readonly _tag: "Accepted"; readonly user: Seed.User }

/** Checks `POST /v3/auth/tokens` (password method) against the seed's users and project. */
export const check = (
  request: DdsRequest.DdsRequest,
  seed: { readonly users: ReadonlyArray<Seed.User>; readonly projectId: string; readonly region: string }
): TokenRequest => {
  let parsed: unknown
  try {
    parsed = JSON.parse(request.body)
  } catch {
    return { _tag: "Refused", answer: iamError(400, "Bad Request", "The request body is not valid JSON.") }
  }
  const body = decodeAuth(parsed)
  if (Either.isLeft(body) || !body.right.auth.identity.methods.includes("password")) {
    return {
      _tag: "Refused",
      answer: iamError(400, "Bad Request", "Expected auth.identity.methods [\"password\"] with auth.identity.password.user and auth.scope.project.")
    }
  }
  const given = body.right.auth.identity.password.user
  const user = seed.users.find((u) =>
    u.name === given.name && u.domain === given.domain.name && Redacted.value(u.password) === given.password
  )
  if (user === undefined) {
    return { _tag: "Refused", answer: iamError(401, "Unauthorized", "The username or password is wrong.") }
  }
  const project = body.right.auth.scope.project
  if ("id" in project ? project.id !== seed.projectId : project.name !== seed.region) {
    return {
      _tag: "Refused",
      answer: iamError(401, "Unauthorized", "The project in auth.scope.project does not exist or the user has no access to it.")
    }
  }
  return { _tag: "Accepted", user }
}

/** IAM's 201 answer: the token in `X-Subject-Token`, its expiry in the body. */
export const issued = (token: S.TokenRecord, issuedAt: number, user: Seed.User, projectId: string): Answer =>
  json(
    201,
    {
      token: {
        expires_at: new Date(token.expiresAt).toISOString(),
        issued_at: new Date(issuedAt).toISOString(),
        methods: ["password"],
        user: { name: user.name, domain: { name: user.domain } },
        project: { id: projectId }
      }
    },
    { "x-subject-token": token.token }
  )

/** Whether a token is one the fake issued, not revoked and not expired at `now`. */
export const isLive = (tokens: ReadonlyArray<S.TokenRecord>, token: string, now: number): boolean =>
  tokens.some((t) => t.token === token && !t.revoked && now < t.expiresAt)
