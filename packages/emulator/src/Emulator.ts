/**
 * The `Emulator`: a `FakeDds` served over real HTTP on loopback, behind a gateway that checks AK/SK
 * signatures the way the real one does, so a client, a signer and a transport can be tried end to
 * end without a cloud account. `GET /_emulator/state` shows the fake's state for local tests.
 *
 * @since 0.1.0
 */
import { DdsRequest, DdsResponse } from "@dds-restore/client"
import { Authenticator, DemoFixture, FakeDds, type Fault, type Seed } from "@dds-restore/testing"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Gateway from "./internal/gateway.js"
import { clip, maxReason } from "./internal/quote.js"
import * as Server from "./internal/server.js"

/**
 * How to start an emulator. Every field is optional: by default it listens on 127.0.0.1 on a free
 * port and serves the built-in demo fixture (`DemoFixture.make` at the current time).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly host?: string
  /** 0 (the default) picks any free port; read the chosen one from `Emulator.url`. */
  readonly port?: number
  readonly seed?: Seed.Seed
  /**
   * A fleet added to the seed's instances (`DemoFixture.fleet` at the start time): healthy replica
   * sets with the demo replica set's databases and collections, the same for the same seed.
   */
  readonly fleet?: DemoFixture.FleetOptions
  readonly faults?: Fault.Rates
  /** From a restore's submission to its job's end (the fake's default when absent). */
  readonly jobDuration?: Duration.DurationInput
  /** How long a new job answers 404 to `GET /jobs?id=` (the fake's default when absent). */
  readonly jobVisibleAfter?: Duration.DurationInput
  /**
   * Whether an instance refuses a restore while another runs on it, as the service does (true when
   * absent); false lets a test pile many restores on one instance.
   */
  readonly busyWhileRestoring?: boolean
  /** The order of the task list (newest first when absent). */
  readonly taskOrder?: FakeDds.TaskOrder
}

/**
 * A running emulator.
 *
 * @since 0.1.0
 */
export interface Service {
  /** `http://host:port`: the endpoint to give the client. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The fake behind it, to inspect and to inject faults into. */
  readonly fake: FakeDds.FakeDds["Type"]
  /** The project of the seed: the project id to give the client. */
  readonly projectId: string
  /** The AK/SK pairs the gateway accepts (the demo credentials unless a seed says otherwise). */
  readonly credentials: ReadonlyArray<{ readonly accessKeyId: string; readonly secretAccessKey: Redacted.Redacted<string> }>
}

/**
 * A running emulator, for tests and the demo app.
 *
 * @since 0.1.0
 */
export class Emulator extends Context.Tag("@dds-restore/emulator/Emulator")<Emulator, Service>() {}

/**
 * The emulator could not listen where it was asked to (the port is taken, the host is not an
 * address of this machine). The message shows the host's first 200 characters and the reason's
 * first 1000, whatever their length.
 *
 * @since 0.1.0
 */
export class EmulatorError extends Schema.TaggedError<EmulatorError>("@dds-restore/emulator/EmulatorError")(
  "EmulatorError",
  {
    host: Schema.String,
    port: Schema.Number,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The emulator could not listen on ${clip(this.host)}:${this.port}: ${clip(this.detail, maxReason)}. ` +
      "Choose another port (0 picks a free one) or a host address of this machine."
  }
}

/**
 * The path of the state page, outside the API's paths and not signed.
 *
 * @since 0.1.0
 */
export const statePath = "/_emulator/state"

const iamTokenPath = "/v3/auth/tokens"

const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)

const json = (status: number, body: unknown, id = Server.requestId()): Server.Outcome => ({
  _tag: "Respond",
  response: DdsResponse.make({
    status,
    headers: { "content-type": "application/json", "x-request-id": id },
    body: JSON.stringify(body)
  })
})

/**
 * Starts an emulator on the current scope; closing the scope stops it and cuts open connections.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Service, EmulatorError, Scope.Scope> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const given = options.seed ?? DemoFixture.make(now)
    const seed = options.fleet === undefined
      ? given
      : { ...given, instances: [...given.instances, ...DemoFixture.fleet(now, options.fleet)] }
    const fake = yield* FakeDds.make(seed, {
      ...(options.faults === undefined ? {} : { faults: options.faults }),
      ...(options.jobDuration === undefined ? {} : { jobDuration: options.jobDuration }),
      ...(options.jobVisibleAfter === undefined ? {} : { jobVisibleAfter: options.jobVisibleAfter }),
      ...(options.busyWhileRestoring === undefined ? {} : { busyWhileRestoring: options.busyWhileRestoring }),
      ...(options.taskOrder === undefined ? {} : { taskOrder: options.taskOrder })
    })
    const secrets = new Map(seed.credentials.map((c) => [c.accessKeyId, c.secretAccessKey]))
    const lookupSecret = (accessKeyId: string) => secrets.get(accessKeyId)

    // The Host values the state page is served to (this machine's names, with the port listened
    // on), known once listening; no request arrives before.
    let stateHosts: ReadonlyArray<string> = []
    const handle = (request: DdsRequest.DdsRequest): Effect.Effect<Server.Outcome> => {
      const path = DdsRequest.path(request)
      if (path === statePath) {
        // It shows the secret keys: a page of another site that resolves its own name to
        // 127.0.0.1 (DNS rebinding) sends its own name as Host, and is refused.
        if (!stateHosts.includes(request.headers["host"] ?? "")) {
          return Effect.succeed(json(403, {
            error_code: "DBS.200001",
            error_msg: `The state page is served only to Host ${stateHosts.slice(0, -1).join(", ")} or ${stateHosts.at(-1)}.`
          }))
        }
        return request.method === "GET"
          ? Effect.map(fake.stateJson(), (state) => json(200, state))
          : Effect.succeed(json(405, { error_code: "DBS.200001", error_msg: `Use GET ${statePath}.` }))
      }
      // The gateway authenticates before it routes, so a tampered method or path is refused 401
      // rather than answered 404. IAM's token call is not signed, and a token is the fake's to check.
      if (!(request.method === "POST" && path === iamTokenPath) && request.headers["x-auth-token"] === undefined) {
        const refused = Gateway.check(request, lookupSecret)
        if (refused !== undefined) {
          const id = Server.requestId()
          return Effect.succeed(json(401, { error_code: refused.code, error_msg: refused.message, request_id: id }, id))
        }
      }
      // The signature holds; the fake checks its date against its own clock (which a clock-skew
      // fault moves) and answers APIGW.0301 (signature expired) for a stale one.
      return fake.handle(request, { authenticate: Authenticator.acceptAll }).pipe(
        Effect.map((response): Server.Outcome => ({ _tag: "Respond", response })),
        Effect.catchTag("DroppedAnswer", () => Effect.succeed<Server.Outcome>({ _tag: "Drop" }))
      )
    }

    const host = options.host ?? "127.0.0.1"
    const port = options.port ?? 0
    if (!isLoopback(host)) {
      return yield* new EmulatorError({
        host,
        port,
        detail: `it serves its secret keys on ${statePath} without a signature, so it listens on loopback only (127.0.0.0/8, ::1, localhost)`
      })
    }
    const address = yield* Server.serve({ host, port, handle }).pipe(
      Effect.mapError((failure) => new EmulatorError({ host, port, detail: failure.detail }))
    )
    const listening = new URL(address.origin).host
    stateHosts = [...new Set([`127.0.0.1:${address.port}`, `localhost:${address.port}`, `[::1]:${address.port}`, listening])]
    return Emulator.of({
      url: address.origin,
      host: address.host,
      port: address.port,
      fake,
      projectId: seed.projectId,
      credentials: seed.credentials
    })
  })

/**
 * An emulator as a layer: started when the layer is built, stopped when its scope closes.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Emulator, EmulatorError> =>
  Layer.scoped(Emulator, make(options))
