// The emulator as the dialect and contract scenarios of the testing package take a service: started
// from a seed under the test's clock, reached over real HTTP (undici) on loopback.
import { Emulator } from "@dds-restore/emulator"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Seed } from "@dds-restore/testing"
import type { Served } from "../../testing/test/dialect/scenarios.js"

export const overHttp = (seed: Seed.Seed) =>
  Effect.gen(function*() {
    const emulator = yield* Effect.orDie(Emulator.make({ seed }))
    // The HTTP client lives as long as the test's scope.
    const http = yield* Layer.build(NodeHttpClient.layerUndici)
    const transport = yield* HttpTransport.make({ timeout: "5 seconds" }).pipe(Effect.provide(http))
    const served: Served = { endpoint: emulator.url, send: (request) => Effect.orDie(transport.send(request)) }
    return served
  })
