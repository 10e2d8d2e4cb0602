import { DdsRequest, Signer, Transport } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import * as FakeIam from "./fixtures/FakeIam.js"
import { concurrently, latency, options, setup } from "./fixtures/Setup.js"

describe("TokenSigner", () => {
  it.effect("sign adds only x-auth-token, and the service accepts the signed request", () =>
    Effect.gen(function*() {
      const { fake, signer } = yield* setup()
      const signed = yield* signer.sign(fake.serviceRequest)
      expect(signed.headers).toStrictEqual({
        "x-project-id": "0123456789abcdef0123456789abcdef",
        "x-auth-token": (yield* fake.issued)[0]
      })
      expect(DdsRequest.modify(signed, { headers: fake.serviceRequest.headers })).toStrictEqual(fake.serviceRequest)
      expect((yield* fake.transport.send(signed)).status).toBe(200)
    }))

  it.effect("a request refused with 401 is resent once with a fresh token after invalidate", () =>
    Effect.gen(function*() {
      const { fake, signer } = yield* setup()
      const first = yield* signer.sign(fake.serviceRequest)
      yield* fake.revoke(first.headers["x-auth-token"] ?? "")
      expect((yield* fake.transport.send(first)).status).toBe(401)
      expect(yield* signer.invalidate(first)).toBe(true)
      const again = yield* signer.sign(fake.serviceRequest)
      expect(again.headers["x-auth-token"]).toBe((yield* fake.issued)[1])
      expect((yield* fake.transport.send(again)).status).toBe(200)
      expect((yield* fake.iamRequests).length).toBe(2)
    }))

  it.effect("20 requests refused at once with the same token cause one IAM call and all succeed when resent", () =>
    Effect.gen(function*() {
      const { fake, signer } = yield* setup()
      const first = yield* signer.sign(fake.serviceRequest)
      yield* fake.revoke(first.headers["x-auth-token"] ?? "")
      yield* fake.setLatency(latency)
      const statuses = yield* concurrently(
        Array.from({ length: 20 }, () =>
          signer.invalidate(first).pipe(
            Effect.zipRight(signer.sign(fake.serviceRequest)),
            Effect.flatMap(fake.transport.send),
            Effect.map((response) => response.status)
          ))
      )
      expect(statuses).toStrictEqual(Array.from({ length: 20 }, () => 200))
      expect((yield* fake.iamRequests).length).toBe(2)
    }))

  it.effect("invalidate of a request signed with an older token keeps the current one", () =>
    Effect.gen(function*() {
      const { fake, signer } = yield* setup()
      const first = yield* signer.sign(fake.serviceRequest)
      yield* signer.invalidate(first)
      const second = yield* signer.sign(fake.serviceRequest)
      expect(yield* signer.invalidate(first)).toBe(true)
      expect((yield* signer.sign(fake.serviceRequest)).headers["x-auth-token"]).toBe(second.headers["x-auth-token"])
      expect((yield* fake.iamRequests).length).toBe(2)
    }))

  it.effect("layer provides the client's Signer over TokenProvider.layer and the Transport", () =>
    Effect.gen(function*() {
      const fake = yield* FakeIam.make()
      const signed = yield* Signer.Signer.pipe(
        Effect.flatMap((signer) => signer.sign(fake.serviceRequest)),
        Effect.provide(
          TokenSigner.layer.pipe(
            Layer.provide(TokenProvider.layer(options)),
            Layer.provide(Layer.succeed(Transport.Transport, fake.transport))
          )
        )
      )
      expect(signed.headers["x-auth-token"]).toBe((yield* fake.issued)[0])
    }))
})
