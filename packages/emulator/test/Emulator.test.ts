import { DdsConfig, DdsRequest, type DdsResponse, RestoreClient, SdkDate, Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { describe, expect, it } from "@effect/vitest"
import { NodeHttpClient } from "@effect/platform-node"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"

const demo = { accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }

const transportLayer = HttpTransport.layer({ timeout: "5 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))

const clientLayer = (emulator: Emulator.Service) =>
  RestoreClient.layer({ retryPolicy: { maxAttempts: 3, baseDelay: "10 millis", throttleDelay: "10 millis" } }).pipe(
    Layer.provide(
      Layer.mergeAll(
        transportLayer,
        AkSkSigner.layer(demo),
        DdsConfig.layer({ projectId: emulator.projectId, endpoint: emulator.url })
      )
    ),
    Layer.orDie
  )

interface State {
  readonly project_id: string
  readonly credentials: ReadonlyArray<{ readonly access_key_id: string; readonly secret_access_key: string }>
  readonly instances: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly mode: string
    readonly incremental_backup: boolean
    readonly databases: ReadonlyArray<{ readonly name: string; readonly collections: ReadonlyArray<string> }>
  }>
  readonly jobs: ReadonlyArray<{ readonly id: string; readonly name: string; readonly status: string; readonly instance_id: string }>
}

// `restore` gives the job id, alone or in a submission record, depending on the client's version.
const jobIdOf = (submitted: string | { readonly jobId: string }): string =>
  typeof submitted === "string" ? submitted : submitted.jobId

const state = (emulator: Emulator.Service) =>
  Effect.promise(async () => {
    const response = await fetch(`${emulator.url}${Emulator.statePath}`)
    return { status: response.status, body: (await response.json()) as State }
  })

describe("a restore over real HTTP", () => {
  it.live("a signed restore runs through to Completed, and the state page shows exactly that one job", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ jobDuration: "300 millis", jobVisibleAfter: "50 millis" })
      const now = yield* Clock.currentTimeMillis
      const result = yield* Effect.gen(function*() {
        const client = yield* RestoreClient.RestoreClient
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [
            RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - 60 * 60_000 })
          ])
        ])
        const jobId = jobIdOf(yield* client.restore(DemoFixture.ordersInstanceId, plan))
        // A new job answers 404 for a while, then Running, then Completed: poll with a small real sleep, bounded.
        const job = yield* client.job(jobId).pipe(
          Effect.filterOrFail((job) => job.status !== "Running", () => "still running" as const),
          Effect.retry(Schedule.spaced("25 millis").pipe(Schedule.intersect(Schedule.recurs(400))))
        )
        return { jobId, job }
      }).pipe(Effect.provide(clientLayer(emulator)))

      expect(result.job.status).toBe("Completed")
      expect(result.job.id).toBe(result.jobId)
      expect(result.job.name).toBe("MongodbRestoreTable")
      expect(result.job.instance.id).toBe(DemoFixture.ordersInstanceId)

      const seen = yield* state(emulator)
      expect(seen.status).toBe(200)
      expect(seen.body.jobs.map((job) => [job.id, job.name, job.status, job.instance_id])).toEqual([
        [result.jobId, "MongodbRestoreTable", "Completed", DemoFixture.ordersInstanceId]
      ])
      const orders = seen.body.instances.find((instance) => instance.id === DemoFixture.ordersInstanceId)
      expect(orders?.databases.find((db) => db.name === "shop")?.collections).toContain("orders_restored")
    }).pipe(Effect.scoped))

  it.live("the state page shows the demo project, its credentials and its three instances", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const seen = yield* state(emulator)
      expect(seen.body.project_id).toBe(DemoFixture.projectId)
      expect(seen.body.credentials).toEqual([
        { access_key_id: DemoFixture.accessKeyId, secret_access_key: Redacted.value(DemoFixture.secretAccessKey) }
      ])
      expect(seen.body.instances.map((i) => [i.id, i.mode, i.incremental_backup])).toEqual([
        [DemoFixture.ordersInstanceId, "ReplicaSet", true],
        [DemoFixture.shardedInstanceId, "Sharding", true],
        [DemoFixture.noIncrementalInstanceId, "ReplicaSet", false]
      ])
      expect(seen.body.jobs).toEqual([])
    }).pipe(Effect.scoped))
})

// Signs with the demo credentials, lets the test alter the signed request, then sends it as is.
const signThenSend = (
  emulator: Emulator.Service,
  fields: Parameters<typeof DdsRequest.make>[0],
  options: {
    readonly credentials?: AkSkSigner.Credentials
    readonly alter?: (signed: DdsRequest.DdsRequest) => DdsRequest.DdsRequest
    readonly clockOffsetMillis?: number
  } = {}
) =>
  Effect.gen(function*() {
    const transport = yield* Transport.Transport
    const signer = AkSkSigner.make(options.credentials ?? demo)
    const offset = options.clockOffsetMillis ?? 0
    const clock = yield* Effect.clock
    const shifted: Clock.Clock = {
      ...clock,
      currentTimeMillis: Effect.map(clock.currentTimeMillis, (ms) => ms + offset),
      unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis() + offset
    }
    const request = DdsRequest.make({ ...fields, url: `${emulator.url}${fields.url}` })
    const signed = yield* signer.sign(request).pipe(Effect.withClock(shifted))
    return yield* transport.send(options.alter === undefined ? signed : options.alter(signed))
  }).pipe(Effect.provide(transportLayer), Effect.orDie)

// Sends a request exactly as given (signed or not), over undici.
const sendRaw = (request: DdsRequest.DdsRequest) =>
  Effect.flatMap(Transport.Transport, (transport) => transport.send(request)).pipe(
    Effect.provide(transportLayer),
    Effect.orDie
  )

const errorOf = (response: DdsResponse.DdsResponse) =>
  JSON.parse(response.body) as { readonly error_code: string; readonly error_msg: string; readonly request_id?: string }

const instancesCall = (projectId: string) => ({
  method: "GET" as const,
  url: `/v3/${projectId}/instances`,
  query: [["id", DemoFixture.ordersInstanceId]] as const,
  headers: { "x-project-id": projectId }
})

const restoreCall = (projectId: string) => ({
  method: "POST" as const,
  url: `/v3/${projectId}/instances/${DemoFixture.ordersInstanceId}/restore/collections`,
  headers: { "content-type": "application/json", "x-project-id": projectId },
  body: JSON.stringify({ restore_collections: [{ database: "shop", restore_database_time: "1607762955000" }] })
})

const expectGatewayRefusal = (response: DdsResponse.DdsResponse, fragment: string) => {
  expect(response.status).toBe(401)
  const body = errorOf(response)
  expect(body.error_code).toBe("APIGW.0301")
  expect(body.error_msg).toContain("Incorrect IAM authentication information: ")
  expect(body.error_msg).toContain(fragment)
  expect(body.request_id).toBe(response.headers["x-request-id"])
}

describe("the gateway's signature check", () => {
  it.live("a request signed with the demo credentials is answered", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const response = yield* signThenSend(emulator, instancesCall(emulator.projectId))
      expect(response.status).toBe(200)
      expect((JSON.parse(response.body) as { total_count: number }).total_count).toBe(1)
    }).pipe(Effect.scoped))

  it.live("an unsigned request is refused 401 APIGW.0301", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const call = instancesCall(emulator.projectId)
      const response = yield* sendRaw(DdsRequest.make({ ...call, url: `${emulator.url}${call.url}` }))
      expectGatewayRefusal(response, "Authorization not found in header")
      expect(errorOf(response).error_msg).toBe("Incorrect IAM authentication information: Authorization not found in header")
      expect(yield* emulator.fake.requests).toEqual({})
    }).pipe(Effect.scoped))

  // One part of a request altered after it was signed: the gateway refuses it before the service
  // sees it, so a tampered restore creates no job.
  const tampered: ReadonlyArray<{
    readonly title: string
    readonly call: (projectId: string) => Parameters<typeof DdsRequest.make>[0]
    readonly alter: (signed: DdsRequest.DdsRequest) => DdsRequest.DdsRequest
  }> = [
    {
      title: "a tampered method is refused 401, not routed",
      call: restoreCall,
      alter: (signed) => DdsRequest.modify(signed, { method: "PUT" })
    },
    {
      title: "a tampered path is refused 401",
      call: restoreCall,
      alter: (signed) =>
        DdsRequest.modify(signed, { url: signed.url.replace(DemoFixture.ordersInstanceId, DemoFixture.shardedInstanceId) })
    },
    {
      title: "a tampered query is refused 401",
      call: instancesCall,
      alter: (signed) => DdsRequest.modify(signed, { query: [["id", DemoFixture.shardedInstanceId]] })
    },
    {
      title: "a tampered signed header is refused 401",
      call: instancesCall,
      alter: (signed) => DdsRequest.setHeaders(signed, { "x-project-id": "0000000000000000000000000000beef" })
    },
    {
      title: "a tampered body is refused 401 and no job is created",
      call: restoreCall,
      alter: (signed) => DdsRequest.modify(signed, { body: signed.body.replace("shop", "shoq") })
    }
  ]
  for (const { alter, call, title } of tampered) {
    it.live(title, () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const response = yield* signThenSend(emulator, call(emulator.projectId), { alter })
        expectGatewayRefusal(response, "verify aksk signature fail")
        expect((yield* emulator.fake.jobs).length).toBe(0)
      }).pipe(Effect.scoped))
  }

  it.live("an unknown access key is refused 401", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const response = yield* signThenSend(emulator, instancesCall(emulator.projectId), {
        credentials: { accessKeyId: "UNKNOWNACCESSKEY0000", secretAccessKey: DemoFixture.secretAccessKey }
      })
      expectGatewayRefusal(response, "get secretkey from aksk fail")
      expect(errorOf(response).error_msg).toContain("UNKNOWNACCESSKEY0000")
    }).pipe(Effect.scoped))

  it.live("a wrong secret is refused 401, and the message shows no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const response = yield* signThenSend(emulator, instancesCall(emulator.projectId), {
        credentials: { accessKeyId: DemoFixture.accessKeyId, secretAccessKey: Redacted.make("NotTheDemoSecret") }
      })
      expectGatewayRefusal(response, "verify aksk signature fail")
      expect(response.body).not.toContain(Redacted.value(DemoFixture.secretAccessKey))
      expect(response.body).not.toContain("NotTheDemoSecret")
    }).pipe(Effect.scoped))

  for (const [direction, minutes] of [["behind", -16], ["ahead of", 16]] as const) {
    it.live(`an X-Sdk-Date 16 minutes ${direction} the emulator's clock is refused 401 APIGW.0301 (signature expired) with the server time`, () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const response = yield* signThenSend(emulator, instancesCall(emulator.projectId), {
          clockOffsetMillis: minutes * 60_000
        })
        expect(response.status).toBe(401)
        const body = errorOf(response)
        expect(body.error_code).toBe("APIGW.0301")
        expect(body.error_msg).toMatch(
          /^Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:\d{8}T\d{6}Z,server time:\d{8}T\d{6}Z$/
        )
        const [, signedAt, serverAt] = /signature time:(\w+),server time:(\w+)/.exec(body.error_msg) ?? []
        const skew = (SdkDate.parse(signedAt ?? "") ?? 0) - (SdkDate.parse(serverAt ?? "") ?? 0)
        expect(Math.round(skew / 60_000)).toBe(minutes)
      }).pipe(Effect.scoped))
  }

  it.live("IAM's token call is served without a signature", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const body = {
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: {
                name: DemoFixture.user.name,
                password: Redacted.value(DemoFixture.user.password),
                domain: { name: DemoFixture.user.domain }
              }
            }
          },
          scope: { project: { id: DemoFixture.projectId } }
        }
      }
      const issued = yield* sendRaw(
        DdsRequest.make({
          method: "POST",
          url: `${emulator.url}/v3/auth/tokens`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body)
        })
      )
      expect(issued.status).toBe(201)
      const token = issued.headers["x-subject-token"] ?? ""
      expect(token).not.toBe("")
      // A request carrying the token goes to the fake's token check instead of the signature check.
      const call = instancesCall(emulator.projectId)
      const withToken = yield* sendRaw(
        DdsRequest.make({ ...call, url: `${emulator.url}${call.url}`, headers: { ...call.headers, "x-auth-token": token } })
      )
      expect(withToken.status).toBe(200)
      const forged = yield* sendRaw(
        DdsRequest.make({ ...call, url: `${emulator.url}${call.url}`, headers: { ...call.headers, "x-auth-token": "MIIforged" } })
      )
      expect(forged.status).toBe(401)
      expect(errorOf(forged).error_code).toBe("APIGW.0301")
    }).pipe(Effect.scoped))
})

describe("faults over HTTP", () => {
  it.live("a dropped restore answer creates the job and resets the connection", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ faults: { dropRestoreAnswer: 1 } })
      const call = restoreCall(emulator.projectId)
      const now = yield* Clock.currentTimeMillis
      const error = yield* signThenSend(emulator, {
        ...call,
        body: JSON.stringify({ restore_collections: [{ database: "shop", restore_database_time: String(now - 3_600_000) }] })
      }).pipe(Effect.flip, Effect.catchAllDefect(Effect.succeed))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Connection", mayHaveReachedServer: true })
      expect((yield* emulator.fake.jobs).length).toBe(1)
      // The server is still up after cutting that connection.
      expect((yield* state(emulator)).status).toBe(200)
    }).pipe(Effect.scoped))

  it.live("a port in use is an EmulatorError naming the address", () =>
    Effect.gen(function*() {
      const first = yield* Emulator.make()
      const error = yield* Effect.flip(Emulator.make({ port: first.port }))
      expect(error._tag).toBe("EmulatorError")
      expect(error.port).toBe(first.port)
      expect(error.message).toContain(`127.0.0.1:${first.port}`)
    }).pipe(Effect.scoped))

  it.live("closing the scope stops the server", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(Emulator.make(), (emulator) => emulator.url))
      const outcome = yield* Effect.tryPromise(() => fetch(`${url}${Emulator.statePath}`)).pipe(Effect.either)
      expect(outcome._tag).toBe("Left")
    }))
})
