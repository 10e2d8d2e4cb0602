// End to end over real HTTP: RestoreClient, signed by the AK/SK signer, sent by HttpTransport, to a
// server on 127.0.0.1 that checks every signature as the gateway does. The tests run `live` (real
// sockets need the real clock) with tiny retry delays, and assert outcomes, never elapsed time.
import { DdsConfig, DdsRequest, RestoreClient, type RetryPolicy, Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as util from "node:util"
import * as FakeGateway from "./utils/FakeGateway.js"
import * as LoopbackServer from "./utils/LoopbackServer.js"
import { recordingInto } from "./utils/SpanRecorder.js"

const projectId = "0123456789abcdef0123456789abcdef"
const instanceId = "9136fd2a9fcd405ea4674276ce36dae8in02"
const jobId = "a03b1b8a-b756-467c-8a49-38720c3d23ec"
const restorePath = `/v3/${projectId}/instances/${instanceId}/restore/collections`
const tasksPath = `/v3.1/${projectId}/jobs`

const credentials: AkSkSigner.Credentials = {
  accessKeyId: "AKE2E00000000000000",
  secretAccessKey: Redacted.make("e2e-secret-access-key"),
  securityToken: Redacted.make("e2e-security-token")
}

const fastRetries: RetryPolicy.Options = {
  maxAttempts: 4,
  baseDelay: "2 millis",
  throttleDelay: "5 millis",
  maxDelay: "20 millis",
  maxElapsed: "10 seconds"
}

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

const clientLayer = (
  endpoint: string,
  transport: Layer.Layer<Transport.Transport>,
  options: { readonly retryPolicy?: RetryPolicy.Options; readonly credentials?: AkSkSigner.Credentials } = {}
): Layer.Layer<RestoreClient.RestoreClient> =>
  RestoreClient.layer({ retryPolicy: options.retryPolicy ?? fastRetries }).pipe(
    Layer.provide(
      Layer.mergeAll(
        transport,
        AkSkSigner.layer(options.credentials ?? credentials),
        Layer.orDie(DdsConfig.layer({ projectId, endpoint }))
      )
    )
  )

// Changes one byte of the body after it was signed, as a proxy in the way might.
const tampering = (inner: Layer.Layer<Transport.Transport>): Layer.Layer<Transport.Transport> =>
  Layer.effect(
    Transport.Transport,
    Effect.map(Transport.Transport, (transport) =>
      Transport.make((request) =>
        transport.send(DdsRequest.modify(request, { body: request.body.replace("1607762955000", "1607762955001") }))
      ))
  ).pipe(Layer.provide(inner))

// The gateway here serves only the reference's canned 2020 bodies, so the restore skips its
// preflight; a lost answer is looked up in the task list for a short while only. Every restore
// first reads the instance's restore tasks (the before set that a lost answer is settled against).
const restore = Effect.gen(function*() {
  const plan = yield* RestorePlan.decode(JSON.parse(FakeGateway.fixture("restore-collections.request.json")))
  return yield* (yield* RestoreClient.RestoreClient).restore(instanceId, plan, {
    preflight: false,
    reconcile: { wait: "300 millis", interval: "100 millis" }
  })
})

const job = Effect.flatMap(RestoreClient.RestoreClient, (client) => client.job(jobId))

const gatewayFor = (options: Omit<FakeGateway.Options, "accessKeyId" | "secretAccessKey"> = {}) =>
  FakeGateway.start({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, ...options })

describe.each(clients)("RestoreClient over HttpTransport (%s) against a signature-checking server", (_name, httpClient) => {
  const http = (options?: HttpTransport.Options) => HttpTransport.layer(options).pipe(Layer.provide(httpClient))

  it.scopedLive("a restore gets its job id, signed and sent byte for byte", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor()

      const submission = yield* restore.pipe(Effect.provide(clientLayer(gateway.endpoint, http())))

      expect(submission).toEqual({ jobId, reconciled: false })
      expect(gateway.verified.map((r) => [r.method, new URL(r.url).pathname])).toEqual([["GET", tasksPath], ["POST", restorePath]])
      const plan = JSON.parse(FakeGateway.fixture("restore-collections.request.json")) as unknown
      expect(JSON.parse(gateway.verified[1]?.body ?? "")).toEqual(plan)
      expect(gateway.verified[1]?.headers["x-security-token"]).toBe("e2e-security-token")
    }))

  it.scopedLive("reads whose queries need percent-encoding pass the signature check", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor()
      // Built in the test's scope: the HTTP client's connection pool lives as long as the test.
      const client = Context.get(yield* Layer.build(clientLayer(gateway.endpoint, http())), RestoreClient.RestoreClient)

      const collections = yield* client.restorableCollections(instanceId, "shop", 1607762955000)
      const tasks = yield* client.restoreTasks(instanceId, Date.UTC(2020, 11, 1), Date.UTC(2020, 11, 20, 12, 30, 5))

      expect(collections).toEqual(["dds-test", "orders"])
      expect(tasks.map((task) => task.id)).toEqual([jobId])
      expect(gateway.received).toHaveLength(2)
      expect(gateway.verified).toHaveLength(2)
      expect(gateway.received[1]?.target).toContain("start_time=2020-12-01T00%3A00%3A00%2B0000&end_time=2020-12-20T12%3A30%3A05%2B0000")
    }))

  it.scopedLive("a request changed by one byte after signing is refused with APIGW.0301 and not resent", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor()

      const error = yield* Effect.flip(restore.pipe(Effect.provide(clientLayer(gateway.endpoint, tampering(http())))))

      expect(error._tag).toBe("ServiceError")
      if (error._tag !== "ServiceError") return
      expect([error.status, error.code, error.operation, error.isAuth]).toEqual([401, "APIGW.0301", "restore", true])
      // The before set's read has no body to change and passes; the changed restore is refused.
      expect(error.requestId).toBe("req-2")
      expect(gateway.received.map((r) => [r.method, r.body.includes("1607762955001")])).toEqual([["GET", false], ["POST", true]])
      expect(gateway.verified.map((r) => r.method)).toEqual(["GET"])
    }))

  it.scopedLive("a throttled read is retried, signed afresh, and succeeds", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor({
        script: (_, index) => (index === 0 ? { status: 429, body: FakeGateway.fixture("gateway-throttled.response.json") } : undefined)
      })

      const found = yield* job.pipe(Effect.provide(clientLayer(gateway.endpoint, http())))

      expect([found.id, found.status, found.progress]).toEqual([jobId, "Running", "45%"])
      expect(gateway.verified.map((r) => [r.method, new URL(r.url).pathname, r.query])).toEqual([
        ["GET", `/v3/${projectId}/jobs`, [["id", jobId]]],
        ["GET", `/v3/${projectId}/jobs`, [["id", jobId]]]
      ])
    }))

  it.scopedLive("a read that times out is sent again and succeeds", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor({ script: (_, index) => (index === 0 ? "hang" : undefined) })

      const found = yield* job.pipe(Effect.provide(clientLayer(gateway.endpoint, http({ timeout: "200 millis" }))))

      expect(found.id).toBe(jobId)
      expect(gateway.verified).toHaveLength(2)
    }))

  it.scopedLive("a restore POST that times out is reported, and not resent", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor({ script: (request) => (request.method === "POST" ? "hang" : undefined) })

      const error = yield* Effect.flip(restore.pipe(Effect.provide(clientLayer(gateway.endpoint, http({ timeout: "200 millis" })))))

      // Not resent: the client looked for the job in the task list instead, and found none.
      expect(error._tag).toBe("RestoreOutcomeUnknown")
      if (error._tag !== "RestoreOutcomeUnknown") return
      expect(error.error?._tag).toBe("TransportError")
      if (error.error?._tag !== "TransportError") return
      expect([error.error.reason, error.error.mayHaveReachedServer, error.error.method]).toEqual(["Timeout", true, "POST"])
      expect(gateway.received.filter((r) => r.method === "POST").map((r) => r.target)).toEqual([restorePath])
      expect(gateway.received.filter((r) => r.method !== "POST").every((r) => r.target.startsWith(`/v3.1/${projectId}/jobs?`))).toBe(true)
    }))

  it.scopedLive("a signature refused for clock skew is signed again on the gateway's clock and succeeds", () =>
    Effect.gen(function*() {
      const gateway = yield* gatewayFor({ now: () => Date.now() + 60 * 60 * 1000 })

      const found = yield* job.pipe(Effect.provide(clientLayer(gateway.endpoint, http())))

      expect(found.id).toBe(jobId)
      expect(gateway.received).toHaveLength(2)
      expect(gateway.verified).toHaveLength(1)
    }))
})

describe("the secret key and the security token never show", () => {
  const secret = "SKcanary7d1f0c2e9b8aQ"
  const token = "TOKENcanary4e5f6a7b8cZ"
  const canary: AkSkSigner.Credentials = {
    accessKeyId: "AKCANARY00000000000",
    secretAccessKey: Redacted.make(secret),
    securityToken: Redacted.make(token)
  }

  it.scopedLive("in no log line, error message, JSON or inspect output of any request or error, on every error path", () => {
    const lines: Array<string> = []
    const logger = Logger.make((options) => {
      lines.push(Logger.logfmtLogger.log(options), JSON.stringify(Logger.structuredLogger.log(options)))
    })
    // Every span and its attributes, as a tracing exporter would receive them.
    const spans: Array<Tracer.Span> = []
    return Effect.gen(function*() {
      const recordingTracer = yield* recordingInto(spans)
      const shown: Array<string> = []
      const show = (u: unknown) => {
        shown.push(String(u), JSON.stringify(u) ?? "", util.inspect(u, { depth: 20 }), util.inspect(u, { depth: 20, showHidden: true }))
        if (u instanceof Error) shown.push(u.message, u.stack ?? "", Cause.pretty(Cause.fail(u)))
      }
      // Every signed request is logged and shown as a user's wrapper might.
      const requests: Array<DdsRequest.DdsRequest> = []
      const watched = (inner: Layer.Layer<Transport.Transport>) =>
        Layer.effect(
          Transport.Transport,
          Effect.map(Transport.Transport, (transport) =>
            Transport.make((request) => {
              requests.push(request)
              return Effect.zipRight(Effect.logTrace("sending", request), transport.send(request))
            }))
        ).pipe(Layer.provide(inner))
      const http = (options?: HttpTransport.Options) =>
        watched(HttpTransport.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici)))
      const using = (endpoint: string, transport: Layer.Layer<Transport.Transport>, retryPolicy: RetryPolicy.Options = fastRetries) =>
        clientLayer(endpoint, transport, { credentials: canary, retryPolicy })
      const gateway = (script?: FakeGateway.Script, now?: () => number) =>
        FakeGateway.start({
          accessKeyId: canary.accessKeyId,
          secretAccessKey: canary.secretAccessKey,
          ...(script === undefined ? {} : { script }),
          ...(now === undefined ? {} : { now })
        })

      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dds-canary-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))
      const noFile = path.join(directory, "absent")
      const halfFile = path.join(directory, "credentials")
      fs.writeFileSync(halfFile, `[basic]\nsk = ${secret}\nsecurity_token = ${token}\n`)
      const withEnvironment = (variables: Record<string, string>) =>
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))

      const normal = yield* gateway()
      const failing = yield* gateway(() => ({ status: 500, body: FakeGateway.fixture("error.response.json") }))
      const silent = yield* gateway((request) => (request.method === "POST" ? "hang" : undefined))
      const garbled = yield* gateway(() => ({ status: 200, body: `{"job": {"id": ` }))
      const throttling = yield* gateway(() => ({ status: 429, body: FakeGateway.fixture("gateway-throttled.response.json") }))
      const skewed = yield* gateway(undefined, () => Date.now() + 60 * 60 * 1000)
      const closed = `http://127.0.0.1:${yield* LoopbackServer.closedPort}`

      const paths: ReadonlyArray<readonly [string, string, Effect.Effect<unknown, unknown>]> = [
        ["refused signature", "ServiceError", Effect.provide(restore, using(normal.endpoint, tampering(http())))],
        ["server error", "ServiceError", Effect.provide(job, using(failing.endpoint, http(), { ...fastRetries, maxAttempts: 2 }))],
        ["timeout", "RestoreOutcomeUnknown", Effect.provide(restore, using(silent.endpoint, http({ timeout: "200 millis" })))],
        ["malformed answer", "ResponseDecodeError", Effect.provide(job, using(garbled.endpoint, http()))],
        ["throttled until give-up", "ServiceError", Effect.provide(job, using(throttling.endpoint, http()))],
        [
          "invalid id",
          "InvalidArgument",
          Effect.provide(Effect.flatMap(RestoreClient.RestoreClient, (client) => client.job("../jobs?id=x")), using(normal.endpoint, http()))
        ],
        ["connection refused", "TransportError", Effect.provide(job, using(closed, http()))],
        ["plain http to another host", "TransportError", Effect.provide(job, using("http://dds.example.test", http()))],
        ["clock skew, corrected", "Success", Effect.provide(job, using(skewed.endpoint, http()))],
        [
          "secret key and token without an access key",
          "CredentialsError",
          Effect.scoped(Layer.build(AkSkSigner.layerConfig())).pipe(
            withEnvironment({ HUAWEICLOUD_SDK_SK: secret, HUAWEICLOUD_SDK_SECURITY_TOKEN: token, HUAWEICLOUD_SDK_CREDENTIALS_FILE: noFile })
          )
        ],
        [
          "a credentials file without an access key",
          "CredentialsError",
          Effect.scoped(Layer.build(AkSkSigner.layerConfig())).pipe(withEnvironment({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: halfFile }))
        ],
        [
          "a project id that is not one",
          "ConfigError",
          Effect.scoped(Layer.build(DdsConfig.layerConfig())).pipe(
            withEnvironment({
              HUAWEICLOUD_SDK_SK: secret,
              HUAWEICLOUD_SDK_SECURITY_TOKEN: token,
              HUAWEICLOUD_SDK_PROJECT_ID: "",
              HUAWEICLOUD_SDK_REGION: "cn-north-4"
            })
          )
        ]
      ]

      const outcomes: Array<readonly [string, string]> = []
      for (const [name, , effect] of paths) {
        const result = yield* Effect.either(
          effect.pipe(Effect.tapErrorCause(Effect.logError), Effect.annotateLogs("path", name), Effect.withTracer(recordingTracer))
        )
        if (Either.isLeft(result)) show(result.left)
        const left = result.pipe(Either.getLeft)
        outcomes.push([
          name,
          left._tag === "Some" && typeof left.value === "object" && left.value !== null && "_tag" in left.value
            ? String(left.value._tag)
            : Either.isRight(result) ? "Success" : "untagged"
        ])
      }
      requests.forEach(show)
      for (const span of spans) shown.push(span.name, util.inspect([...span.attributes], { depth: 20 }))

      expect(outcomes).toEqual(paths.map(([name, tag]) => [name, tag]))
      // The canary is live: the signed requests did carry the token, and were signed with the key.
      expect(failing.received[0]?.headers["x-security-token"]).toBe(token)
      expect(failing.verified).toHaveLength(2)
      expect(requests.length).toBeGreaterThan(10)
      expect(spans.filter((span) => span.name === "http.client POST").length).toBeGreaterThan(0)
      expect(lines.length).toBeGreaterThan(paths.length)
      for (const text of [...lines, ...shown]) {
        expect(text).not.toContain(secret)
        expect(text).not.toContain(token)
      }
    }).pipe(Effect.provide(Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.All))))
  })
})
