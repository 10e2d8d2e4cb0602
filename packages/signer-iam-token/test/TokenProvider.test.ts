import { Signer } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as FakeIam from "./fixtures/FakeIam.js"
import { concurrently, latency, setup } from "./fixtures/Setup.js"

const expectSignerError = (exit: Exit.Exit<unknown, Signer.SignerError>, reason: Signer.SignerError["reason"], detail: string) => {
  expect(exit).toStrictEqual(Exit.fail(new Signer.SignerError({ reason, detail })))
}

describe("TokenProvider", () => {
  it.effect("100 concurrent signs share one IAM call and carry the token of its X-Subject-Token header", () =>
    Effect.gen(function*() {
      const { fake, signer } = yield* setup({}, { latency })
      const signed = yield* concurrently(Array.from({ length: 100 }, () => signer.sign(fake.serviceRequest)))
      const issued = yield* fake.issued
      expect(issued).toStrictEqual(["MIIT-CANARY-token-1-200"])
      expect(new Set(signed.map((request) => request.headers["x-auth-token"]))).toStrictEqual(new Set(issued))
      expect((yield* fake.iamRequests).length).toBe(1)
    }))

  it.effect("asks IAM with the password method scoped to the project named after the region", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* provider.token
      const [request] = yield* fake.iamRequests
      expect(request?.method).toBe("POST")
      expect(request?.url).toBe("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens")
      expect(request?.headers).toStrictEqual({ "content-type": "application/json" })
      expect(request?.body).toBe(
        `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"restore-bot","password":"${FakeIam.password}","domain":{"name":"acme"}}}},"scope":{"project":{"name":"cn-north-4"}}}}`
      )
    }))

  it.effect("scopes the token to a project id when one is given, and accepts an endpoint with a trailing slash", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup({
        endpoint: `${FakeIam.iamEndpoint}/`,
        project: { id: "0123456789abcdef0123456789abcdef" }
      })
      yield* provider.token
      const [request] = yield* fake.iamRequests
      expect(request?.url).toBe("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens")
      expect(JSON.parse(request?.body ?? "")).toStrictEqual(FakeIam.passwordRequest({ id: "0123456789abcdef0123456789abcdef" }))
    }))

  // Each provider renews at one instant: one millisecond before it, the cached token is still
  // used; at it, ten concurrent callers share one renewal.
  const renewals = [
    {
      title: "renews the token once the clock enters the 15-minute margin before expires_at, not before",
      options: {},
      iam: {},
      renewsAfter: Duration.subtract(Duration.hours(24), Duration.minutes(15))
    },
    {
      title: "honours a renewal margin given in the options",
      options: { renewalMargin: Duration.hours(1) },
      iam: {},
      renewsAfter: Duration.hours(23)
    },
    {
      title: "a token that lives less than the margin is used for half of its life, not renewed on every call",
      options: {},
      iam: { lifetime: Duration.minutes(10) },
      renewsAfter: Duration.minutes(5)
    }
  ]
  for (const { iam, options, renewsAfter, title } of renewals) {
    it.effect(title, () =>
      Effect.gen(function*() {
        const { fake, provider } = yield* setup(options, iam)
        const first = yield* provider.token
        yield* TestClock.adjust(Duration.subtract(renewsAfter, Duration.millis(1)))
        expect(Redacted.value(yield* provider.token)).toBe(Redacted.value(first))
        expect((yield* fake.issued).length).toBe(1)
        yield* TestClock.adjust(Duration.millis(1))
        yield* fake.setLatency(latency)
        const renewed = yield* concurrently(Array.from({ length: 10 }, () => provider.token))
        const issued = yield* fake.issued
        expect(issued.length).toBe(2)
        expect(renewed.map(Redacted.value)).toStrictEqual(Array.from({ length: 10 }, () => issued[1]))
      }))
  }

  it.effect("invalidate drops only the cached token: 20 callers dropping the same token cause one IAM call", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      const first = yield* provider.token
      yield* fake.setLatency(latency)
      const after = yield* concurrently(
        Array.from({ length: 20 }, () => Effect.zipRight(provider.invalidate(first), provider.token))
      )
      const issued = yield* fake.issued
      expect(issued.length).toBe(2)
      expect(after.map(Redacted.value)).toStrictEqual(Array.from({ length: 20 }, () => issued[1]))
    }))

  it.effect("a wrong password fails with InvalidCredentials, IAM's code and message, and no retry", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* fake.failAlways(FakeIam.wrongPassword)
      const exit = yield* Effect.exit(provider.token)
      expectSignerError(
        exit,
        "InvalidCredentials",
        "IAM refused the password of user \"restore-bot\" of domain \"acme\" at https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens (HTTP 401, IAM.0101: The username or password is wrong., request id req-401). Check the user name, the domain name and the password (HUAWEICLOUD_SDK_IAM_USER, HUAWEICLOUD_SDK_IAM_DOMAIN, HUAWEICLOUD_SDK_IAM_PASSWORD)."
      )
      expect((yield* fake.iamRequests).length).toBe(1)
    }))

  it.effect("callers waiting for a failing IAM call share its failure instead of each calling IAM", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup({}, { latency })
      yield* fake.failAlways(FakeIam.wrongPassword)
      const exits = yield* concurrently(Array.from({ length: 10 }, () => Effect.exit(provider.token)))
      expect(exits.every((exit) => Exit.isFailure(exit))).toBe(true)
      expect((yield* fake.iamRequests).length).toBe(1)
      yield* concurrently([Effect.exit(provider.token)])
      expect((yield* fake.iamRequests).length).toBe(2)
    }))

  it.effect("a throttled or failing IAM is retried with back-off until it answers", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* fake.failNext(FakeIam.throttled, FakeIam.serverError, FakeIam.throttled)
      const fiber = yield* Effect.fork(provider.token)
      yield* TestClock.adjust(Duration.seconds(30))
      const token = yield* Fiber.join(fiber)
      expect(Redacted.value(token)).toBe((yield* fake.issued)[0])
      expect((yield* fake.iamRequests).length).toBe(4)
    }))

  it.effect("retries stop at their bound and fail with TokenUnavailable", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup({ retry: { times: 2, delay: Duration.millis(100) } })
      yield* fake.failAlways(FakeIam.throttled)
      const fiber = yield* Effect.fork(Effect.exit(provider.token))
      yield* TestClock.adjust(Duration.minutes(1))
      expectSignerError(
        yield* Fiber.join(fiber),
        "TokenUnavailable",
        "IAM could not issue a token for user \"restore-bot\" of domain \"acme\" at https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens (HTTP 429, APIGW.0308: The throttling threshold has been reached) after 3 attempts. IAM is throttling or unavailable: try again in a few minutes."
      )
      expect((yield* fake.iamRequests).length).toBe(3)
    }))

  it.effect("a refusal other than 401 is not retried and names the project scope to check", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* fake.failAlways({ status: 400, body: JSON.stringify({ error: { code: 400, message: "project not found" } }) })
      expectSignerError(
        yield* Effect.exit(provider.token),
        "TokenUnavailable",
        "IAM refused to issue a token scoped to project \"cn-north-4\" for user \"restore-bot\" of domain \"acme\" at https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens (HTTP 400, 400: project not found). Check that the project (HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_SDK_REGION) exists and that the user may log in with a password."
      )
      expect((yield* fake.iamRequests).length).toBe(1)
    }))

  it.effect("an answer without X-Subject-Token is refused as not coming from IAM", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* fake.failNext({ status: 201, body: JSON.stringify({ token: { expires_at: "2099-01-01T00:00:00.000000Z" } }) })
      expectSignerError(
        yield* Effect.exit(provider.token),
        "TokenUnavailable",
        "IAM answered 201 without an X-Subject-Token header for user \"restore-bot\" of domain \"acme\" at https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens. Check that the endpoint is an IAM v3 endpoint (https://iam.{region}.myhuaweicloud.com)."
      )
    }))

  it.effect("a failed renewal inside the margin keeps using the still-valid token and tries again a minute later", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup({ retry: { times: 0 } })
      const first = yield* provider.token
      yield* TestClock.adjust(Duration.hours(23).pipe(Duration.sum(Duration.minutes(50))))
      yield* fake.failNext(FakeIam.serverError)
      expect(Redacted.value(yield* provider.token)).toBe(Redacted.value(first))
      expect(Redacted.value(yield* provider.token)).toBe(Redacted.value(first))
      expect((yield* fake.iamRequests).length).toBe(2)
      yield* TestClock.adjust(Duration.minutes(1))
      const renewed = yield* provider.token
      expect(Redacted.value(renewed)).toBe((yield* fake.issued)[1])
      expect((yield* fake.iamRequests).length).toBe(3)
    }))

  it.effect("options that cannot work fail when the provider is made", () =>
    Effect.gen(function*() {
      expectSignerError(
        yield* Effect.exit(setup({ password: Redacted.make("") })),
        "MissingCredentials",
        "No IAM password was given: set it in the options or in HUAWEICLOUD_SDK_IAM_PASSWORD."
      )
      expectSignerError(
        yield* Effect.exit(setup({ endpoint: "iam.cn-north-4.myhuaweicloud.com" })),
        "TokenUnavailable",
        "The IAM endpoint \"iam.cn-north-4.myhuaweicloud.com\" is not an absolute URL: give an absolute URL such as https://iam.cn-north-4.myhuaweicloud.com (HUAWEICLOUD_SDK_IAM_ENDPOINT)."
      )
    }))
})
