// The emulator serves its secret keys on its state page without a signature, so it never listens
// beyond this machine.
import { Emulator } from "@dds-restore/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"

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
