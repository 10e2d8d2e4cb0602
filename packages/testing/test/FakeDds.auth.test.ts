import { DdsRequest, Transport } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { Authenticator, FakeDds } from "../src/index.js"
import { ENDPOINT, expectGatewayRefusal, NOW, PROJECT, reply, seed, signed } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, FakeDds.FakeDds | Transport.Transport>, options: FakeDds.Options = {}) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(FakeDds.layerMemory(seed, options)))

const policyUrl = `${ENDPOINT}/v3/${PROJECT}/instances/rs1/backups/policy`

const unsigned = DdsRequest.make({ method: "GET", url: policyUrl })

const withToken = (token: string) => DdsRequest.make({ method: "GET", url: policyUrl, headers: { "x-auth-token": token } })

const tokenRequest = (password: string, scope: Record<string, string> = { name: "cn-north-4" }) =>
  DdsRequest.make({
    method: "POST",
    url: "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: "alice", password, domain: { name: "acme" } } } },
        scope: { project: scope }
      }
    })
  })

const send = (request: DdsRequest.DdsRequest) =>
  Effect.flatMap(Transport.Transport, (transport) => Effect.map(transport.send(request), reply))

describe("FakeDds authentication", () => {
  it.effect("an unsigned request is refused with 401 APIGW.0301 telling to provide a Signer", () =>
    run(Effect.gen(function*() {
      const r = yield* send(unsigned)
      expectGatewayRefusal(r, "APIGW.0301", "request is not signed: provide a Signer layer (AK/SK or IAM token) to the client")
    })))

  it.effect("without requireSigning an unsigned request is served", () =>
    run(Effect.map(send(unsigned), (r) => expect(r.status).toBe(200)), { requireSigning: false }))

  it.effect("a custom authenticator decides after the signature date", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const refuseAll: Authenticator.Authenticator = () =>
        Effect.fail(new Authenticator.Unauthenticated({ code: "APIGW.0301", detail: "signature does not match" }))
      const r = reply(yield* fake.handle(yield* signed({ method: "GET", path: `/v3/${PROJECT}/instances/rs1/backups/policy` }), { authenticate: refuseAll }))
      expect(r.status).toBe(401)
      expect((r.json as { error_msg: string }).error_msg).toBe("Incorrect IAM authentication information: signature does not match")
      expect(reply(yield* fake.handle(unsigned, { authenticate: Authenticator.acceptAll })).status).toBe(200)
    })))

  it.effect("IAM issues a token for a known user; the token is accepted until it expires", () =>
    run(Effect.gen(function*() {
      const issued = yield* send(tokenRequest("s3cret"))
      expect(issued.status).toBe(201)
      const token = issued.headers["x-subject-token"] ?? ""
      expect(token).toMatch(/^MII/)
      expect(issued.json).toMatchObject({ token: { expires_at: "2026-11-21T12:00:00.000Z" } })
      expect((yield* send(withToken(token))).status).toBe(200)

      yield* TestClock.adjust("23 hours")
      expect((yield* send(withToken(token))).status).toBe(200)
      yield* TestClock.adjust("1 hour")
      const expired = yield* send(withToken(token))
      expect(expired.status).toBe(401)
      expect(expired.json).toMatchObject({ error_code: "APIGW.0301" })
      expect(yield* Effect.flatMap(FakeDds.FakeDds, (fake) => fake.iamCalls)).toBe(1)
    })))

  it.effect("a revoked token is refused, a new one is accepted", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      const first = (yield* send(tokenRequest("s3cret"))).headers["x-subject-token"] ?? ""
      yield* fake.revokeTokens()
      expect((yield* send(withToken(first))).status).toBe(401)
      const second = (yield* send(tokenRequest("s3cret"))).headers["x-subject-token"] ?? ""
      expect(second).not.toBe(first)
      expect((yield* send(withToken(second))).status).toBe(200)
      expect(yield* fake.iamCalls).toBe(2)
    })))

  it.effect("a token the fake did not issue is refused", () =>
    run(Effect.map(send(withToken("MIInot-a-token")), (r) => expect(r.status).toBe(401))))

  it.effect("the token lifetime is configurable", () =>
    run(
      Effect.gen(function*() {
        const token = (yield* send(tokenRequest("s3cret"))).headers["x-subject-token"] ?? ""
        yield* TestClock.adjust("10 minutes")
        expect((yield* send(withToken(token))).status).toBe(401)
      }),
      { tokenLifetime: "10 minutes" }
    ))

  it.effect("a wrong password or project is IAM's 401, a malformed body its 400", () =>
    run(Effect.gen(function*() {
      const wrong = yield* send(tokenRequest("guess"))
      expect(wrong.status).toBe(401)
      expect(wrong.json).toEqual({ error: { code: 401, title: "Unauthorized", message: "The username or password is wrong." } })
      expect((yield* send(tokenRequest("s3cret", { id: "someone-elses" }))).status).toBe(401)
      expect((yield* send(tokenRequest("s3cret", { id: PROJECT }))).status).toBe(201)
      const malformed = yield* send(DdsRequest.modify(tokenRequest("s3cret"), { body: "{}" }))
      expect(malformed.status).toBe(400)
    })))
})
