// A seed file holds secrets, and its errors reach a terminal or a CI log: they name the place and the
// problem, never the value found there.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Seed } from "../src/index.js"

const secret = "TOPSECRETcanary9f8e7d"

describe("Seed errors", () => {
  it.effect("credentials written as an object are refused at their path, without the secret in the message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Seed.decode({
        projectId: "p1",
        region: "cn-north-4",
        credentials: { accessKeyId: "AK", secretAccessKey: secret },
        users: [],
        instances: []
      }))
      expect(error._tag).toBe("SeedError")
      expect(error.detail).toContain("credentials: Expected ReadonlyArray")
      expect(error.message).not.toContain(secret)
      expect(JSON.stringify(error)).not.toContain(secret)
    }))

  it.effect("a file that is not JSON is refused without quoting it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Seed.decodeJson(`{"credentials":[{"accessKeyId":"AK","secretAccessKey":"${secret}"}`))
      expect(error.detail).toBe("the seed: is not valid JSON")
      expect(error.message).not.toContain(secret)
    }))
})
