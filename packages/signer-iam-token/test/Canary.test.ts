// The password and every token are canaries: whatever a user may print (logs at every level,
// errors, signed requests, the requests IAM received) must never contain one of them.
import * as util from "node:util"
import { type DdsRequest, DdsResponse, Signer, Transport } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import * as FakeIam from "./fixtures/FakeIam.js"
import { options, setup } from "./fixtures/Setup.js"

const shown = (value: unknown): Array<string> => [
  JSON.stringify(value) ?? "",
  util.inspect(value, { depth: Infinity, showHidden: false }),
  String(value)
]

const errorShown = (exit: Exit.Exit<unknown, unknown>): Array<string> =>
  Exit.isFailure(exit)
    ? [Cause.pretty(exit.cause), ...Cause.failures(exit.cause).pipe((errors) => [...errors]).flatMap((error) => [
      ...shown(error),
      error instanceof Error ? error.message : ""
    ])]
    : ["the effect was expected to fail"]

describe("secrets never show", () => {
  it.effect("the password and the tokens appear in no log line, error, signed request or IAM request", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.make((entry) => {
        lines.push(Logger.logfmtLogger.log(entry))
        lines.push(util.inspect({ message: entry.message, annotations: entry.annotations }, { depth: Infinity }))
        lines.push(Cause.pretty(entry.cause))
      })
      const fake = yield* FakeIam.make()
      // A transport that logs everything it sends and receives, as a verbose user would.
      const verbose = Transport.make((request) =>
        Effect.logDebug("sending", request).pipe(
          Effect.zipRight(fake.transport.send(request)),
          Effect.tap((response) => Effect.logDebug("received", response))
        )
      )
      const shownTexts: Array<string> = []

      yield* Effect.gen(function*() {
        const provider = yield* TokenProvider.make({ ...options, retry: { times: 1 } }).pipe(
          Effect.provideService(Transport.Transport, verbose)
        )
        const signer = yield* TokenSigner.make.pipe(Effect.provideService(TokenProvider.TokenProvider, provider))
        const sign = (request: DdsRequest.DdsRequest) =>
          Effect.tap(signer.sign(request), (signed) => Effect.logInfo("signed", signed))

        // Obtained after a throttled answer, used, revoked, refused, invalidated, renewed.
        yield* fake.failNext(FakeIam.throttled)
        const obtaining = yield* Effect.fork(sign(fake.serviceRequest))
        yield* TestClock.adjust(Duration.seconds(10))
        const first = yield* Fiber.join(obtaining)
        yield* fake.revoke(first.headers["x-auth-token"] ?? "")
        yield* Effect.logWarning("refused", yield* verbose.send(first))
        yield* signer.invalidate(first)
        const second = yield* sign(fake.serviceRequest)

        // Renewal inside the margin fails, the current token stays in use, then renewal succeeds.
        yield* TestClock.adjust(Duration.hours(23).pipe(Duration.sum(Duration.minutes(50))))
        yield* fake.failNext(FakeIam.serverError, FakeIam.serverError)
        const renewing = yield* Effect.fork(sign(fake.serviceRequest))
        yield* TestClock.adjust(Duration.seconds(10))
        const third = yield* Fiber.join(renewing)
        yield* TestClock.adjust(Duration.minutes(1))
        const fourth = yield* sign(fake.serviceRequest)
        shownTexts.push(...[first, second, third, fourth].flatMap(shown), ...shown(provider))

        // A wrong password.
        yield* fake.failNext(FakeIam.wrongPassword)
        yield* provider.invalidate(Redacted.make(fourth.headers["x-auth-token"] ?? ""))
        const refused = yield* Effect.exit(sign(fake.serviceRequest))
        expect(Exit.isFailure(refused)).toBe(true)
        shownTexts.push(...errorShown(refused))
      }).pipe(Effect.provide(Logger.add(capture)), Logger.withMinimumLogLevel(LogLevel.All))

      const iamRequests = yield* fake.iamRequests
      shownTexts.push(...iamRequests.flatMap(shown))
      const issued = yield* fake.issued
      const canaries = [FakeIam.password, ...issued]

      // The canaries were there to leak: three tokens issued, each sent to the service in a header.
      expect(issued.length).toBe(3)
      expect(iamRequests.every((request) => request.body.includes(FakeIam.password))).toBe(true)
      expect(lines.length).toBeGreaterThan(30)
      expect(shownTexts.some((text) => text.includes("<redacted>"))).toBe(true)
      for (const text of [...lines, ...shownTexts]) {
        for (const canary of canaries) expect(text).not.toContain(canary)
      }
    }))

  it.effect("a password echoed back in IAM's error message is removed from the error", () =>
    Effect.gen(function*() {
      const { fake, provider } = yield* setup()
      yield* fake.failNext({
        status: 401,
        body: JSON.stringify({ error_code: "IAM.0101", error_msg: `The password ${FakeIam.password} is wrong.` })
      })
      const exit = yield* Effect.exit(provider.token)
      expect(exit).toStrictEqual(
        Exit.fail(
          new Signer.SignerError({
            reason: "InvalidCredentials",
            detail:
              "IAM refused the password of user \"restore-bot\" of domain \"acme\" at https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens (HTTP 401, IAM.0101: The password <redacted> is wrong.). Check the user name, the domain name and the password (HUAWEICLOUD_SDK_IAM_USER, HUAWEICLOUD_SDK_IAM_DOMAIN, HUAWEICLOUD_SDK_IAM_PASSWORD)."
          })
        )
      )
      for (const text of errorShown(exit)) expect(text).not.toContain(FakeIam.password)
    }))

  it.effect("a response carrying the token is shown without it", () =>
    Effect.sync(() => {
      const response = DdsResponse.make({ status: 201, headers: { "X-Subject-Token": "MIIT-CANARY-secret" } })
      for (const text of shown(response)) expect(text).not.toContain("MIIT-CANARY-secret")
    }))
})
