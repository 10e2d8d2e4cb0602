// The emulator serves its secret keys on its state page without a signature, so it never listens
// beyond this machine; and its options reach the fake it serves.
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"

describe("the emulator listens on loopback only", () => {
  it.scopedLive("any address but loopback is refused with an EmulatorError that says why", () =>
    Effect.gen(function*() {
      for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
        const error = yield* Effect.flip(Emulator.make({ host }))
        expect(error._tag).toBe("EmulatorError")
        expect(error.host).toBe(host)
        expect(error.message).toContain("listens on loopback only")
      }
    }))

  it.scopedLive("127.0.0.2 and localhost are loopback, and served", () =>
    Effect.gen(function*() {
      const other = yield* Emulator.make({ host: "127.0.0.2" })
      expect(other.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/)
      const named = yield* Emulator.make({ host: "localhost" })
      expect(named.port).toBeGreaterThan(0)
    }))
})

const clientOn = (emulator: Emulator.Service) =>
  RestoreClient.layer({ retryPolicy: { maxAttempts: 1 } }).pipe(
    Layer.provide(HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
    Layer.provide(AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey })),
    Layer.provide(DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })),
    Layer.orDie
  )

const twoRestores = (emulator: Emulator.Service) =>
  Effect.gen(function*() {
    const client = yield* RestoreClient.RestoreClient
    const now = yield* Clock.currentTimeMillis
    const plan = (newName: string) =>
      RestorePlan.make([RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName, at: now - 3_600_000 })])])
    yield* client.restore(DemoFixture.ordersInstanceId, plan("orders_first"), { preflight: false })
    return yield* Effect.either(client.restore(DemoFixture.ordersInstanceId, plan("orders_second"), { preflight: false }))
  }).pipe(Effect.provide(clientOn(emulator)))

describe("the emulator's busyWhileRestoring option", () => {
  it.scopedLive("by default an instance refuses a second restore while the first runs, as the service does", () =>
    Effect.gen(function*() {
      const second = yield* twoRestores(yield* Emulator.make({}))
      expect(second._tag).toBe("Left")
      if (second._tag === "Left" && second.left._tag === "ServiceError") {
        expect([second.left.status, second.left.code]).toEqual([403, "DBS.201014"])
      } else {
        expect.fail("expected the busy instance's ServiceError")
      }
    }))

  it.scopedLive("false lets a second restore run beside the first", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ busyWhileRestoring: false })
      const second = yield* twoRestores(emulator)
      expect(second._tag).toBe("Right")
      expect((yield* emulator.fake.jobs).length).toBe(2)
    }))
})
