// The workflow suite over real HTTP on loopback: RestoreClient with HttpTransport (undici) against
// the emulator, in real time, with a real socket cut for every lost answer and the gateway checking
// every AK/SK signature. The same scenarios run over FakeDds.layerMemory on the TestClock in
// packages/testing (test/workflow/InMemory.test.ts); here the waits are a few milliseconds.
import { DdsConfig, RestoreClient, Transport } from "@dds-restore/client"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import { FakeDds } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { credentials, type Harness, recording, type Sent, workflowSuite } from "../../testing/test/workflow/suite/index.js"

const http = HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** The layers every client of an emulator has: its endpoint and project, and the fake behind it in context. */
const around = (emulator: Emulator.Service) =>
  Layer.merge(
    Layer.orDie(DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })),
    Layer.succeed(FakeDds.FakeDds, emulator.fake)
  )

const overHttp: Harness = {
  name: "over HTTP (emulator, HttpTransport, real time)",
  exact: false,
  it: (name, body, timeout) => it.scopedLive(name, body, timeout),
  now: Effect.sync(() => Date.now()),
  client: (seed, options = {}) =>
    Effect.gen(function*() {
      const emulator = yield* Effect.orDie(Emulator.make({ seed, ...overHttp.timing.jobs, ...options.fake }))
      const sent: Array<Sent> = []
      const recorded = Layer.effect(
        Transport.Transport,
        Effect.map(HttpTransport.make({ timeout: "5 seconds" }), (transport) => recording(transport, sent))
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const layer = RestoreClient.layer({ retryPolicy: { ...overHttp.timing.retryPolicy, ...options.retryPolicy } }).pipe(
        Layer.provide(Layer.merge(recorded, AkSkSigner.layer(credentials))),
        Layer.provideMerge(around(emulator))
      )
      return { sent, layer }
    }),
  tokenClient: (seed, user) =>
    Effect.map(Effect.orDie(Emulator.make({ seed })), (emulator) =>
      RestoreClient.layer({ retryPolicy: { maxAttempts: 1 } }).pipe(
        Layer.provide(TokenSigner.layer.pipe(Layer.provide(TokenProvider.layer({
          endpoint: emulator.url,
          userName: user.name,
          domainName: user.domain,
          password: Redacted.make(user.password),
          project: { id: emulator.projectId }
        })))),
        Layer.provide(http),
        Layer.provideMerge(around(emulator)),
        Layer.orDie
      )),
  settled: (effect) => effect,
  // Jobs of a third of a second, visible after 50 ms: the waits below poll every few tens of ms.
  timing: {
    jobs: { jobVisibleAfter: "50 millis", jobDuration: "300 millis" },
    watch: { initialInterval: "20 millis", maxInterval: "50 millis", timeout: "10 seconds" },
    retryPolicy: { maxAttempts: 3, baseDelay: "5 millis", throttleDelay: "10 millis", maxDelay: "100 millis" },
    reconcile: { interval: "30 millis", wait: "5 seconds" }
  },
  // A hundred sockets at once, and a batch of 20 at 50 requests per second: seconds, not minutes.
  crowd: 100,
  fleet: { size: 20, requestsPerSecond: 50 }
}

workflowSuite(overHttp)
