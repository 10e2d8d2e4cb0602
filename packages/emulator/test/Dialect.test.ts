// The dialect scenarios of the fake, over real HTTP on loopback: the emulator's gateway checks every
// AK/SK signature, and the emulator runs under the tests' TestClock.
import { Emulator } from "@dds-restore/emulator"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { describeDialect } from "../../testing/test/dialect/scenarios.js"

describeDialect("the service's dialect, over HTTP (the emulator)", (seed) =>
  Effect.gen(function*() {
    const emulator = yield* Effect.orDie(Emulator.make({ seed }))
    // The HTTP client lives as long as the test's scope.
    const http = yield* Layer.build(NodeHttpClient.layerUndici)
    const transport = yield* HttpTransport.make({ timeout: "5 seconds" }).pipe(Effect.provide(http))
    return { endpoint: emulator.url, send: (request) => Effect.orDie(transport.send(request)) }
  }))
