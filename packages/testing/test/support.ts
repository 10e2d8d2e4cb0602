// Shared by the tests: a small seed, and calls to the fake built the way a signed client sends them.
import { DdsRequest, type DdsResponse } from "@dds-restore/client"
import { Wire } from "@dds-restore/domain"
import { expect } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { FakeDds, Seed } from "../src/index.js"

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** The instant the tests set the TestClock to: 2026-11-20T12:00:00Z. */
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0)

export const PROJECT = Seed.defaultProjectId
export const ENDPOINT = "https://dds.cn-north-4.myhuaweicloud.com"

/** Restorable from two days before NOW until a minute before it, with a gap of an hour a day before. */
export const WINDOWS = [
  { start: NOW - 2 * DAY, end: NOW - DAY - 1 },
  { start: NOW - DAY + HOUR, end: NOW - MINUTE }
]

export const seed = Seed.make({
  instances: [
    Seed.replicaSet({
      id: "rs1",
      name: "orders-rs",
      windows: WINDOWS,
      databases: {
        shop: ["orders", "customers", { name: "carts", createdAt: NOW - DAY }, { name: "old", droppedAt: NOW - DAY }]
      }
    }),
    Seed.sharded({ id: "sh1", name: "cluster", windows: WINDOWS }),
    Seed.replicaSet({ id: "off1", name: "no-incremental", incrementalBackup: false, windows: WINDOWS }),
    Seed.replicaSet({ id: "busy1", name: "resizing", actions: ["RESIZE"], windows: WINDOWS }),
    Seed.replicaSet({ id: "frozen1", name: "frozen", status: "frozen", windows: WINDOWS })
  ],
  users: [{ name: "alice", password: "s3cret", domain: "acme" }]
})

/** `20261120T120000Z` for an epoch ms. */
export const sdkDate = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z"

/** An AK/SK-signed-looking request dated by the Effect Clock (the fake checks presence and date, not the HMAC). */
export const signed = (fields: {
  readonly method: DdsRequest.Method
  readonly path: string
  readonly query?: ReadonlyArray<readonly [string, string]>
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}): Effect.Effect<DdsRequest.DdsRequest> =>
  Effect.map(Clock.currentTimeMillis, (now) =>
    DdsRequest.make({
      method: fields.method,
      url: `${ENDPOINT}${fields.path}`,
      query: fields.query ?? [],
      headers: {
        "content-type": "application/json",
        "x-sdk-date": sdkDate(now),
        authorization: "SDK-HMAC-SHA256 Access=TESTAK, SignedHeaders=content-type;host;x-sdk-date, Signature=00",
        ...fields.headers
      },
      body: fields.body === undefined ? "" : typeof fields.body === "string" ? fields.body : JSON.stringify(fields.body)
    }))

/** A decoded answer. */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly json: unknown
}

export const reply = (response: DdsResponse.DdsResponse): Reply => ({
  status: response.status,
  headers: response.headers,
  json: response.body === "" ? undefined : JSON.parse(response.body)
})

/** A refusal by the gateway: 401, its code, IAM's words around `detail`, and the request id in the body too. */
export const expectGatewayRefusal = (r: Reply, code: string, detail: string): void => {
  expect(r.status).toBe(401)
  expect(r.json).toEqual({
    error_code: code,
    error_msg: `Incorrect IAM authentication information: ${detail}`,
    request_id: r.headers["x-request-id"]
  })
}

/** Sends a signed request to the FakeDds in context and decodes the answer. */
export const call = (fields: Parameters<typeof signed>[0]) =>
  Effect.gen(function*() {
    const fake = yield* FakeDds.FakeDds
    const request = yield* signed(fields)
    return reply(yield* fake.handle(request))
  })

export const restore = (instanceId: string, body: unknown) =>
  call({ method: "POST", path: `/v3/${PROJECT}/instances/${instanceId}/restore/collections`, body })

export const getJob = (id: string) => call({ method: "GET", path: `/v3/${PROJECT}/jobs`, query: [["id", id]] })

export const collectionsAt = (instanceId: string, db: string, t: number) =>
  call({
    method: "GET",
    path: `/v3/${PROJECT}/instances/${instanceId}/restore-collection`,
    query: [["db_name", db], ["restore_time", String(t)]]
  })

/** Reads an answer's body with the domain's wire schema, so the fake's bodies are checked against it too. */
export const as = <A, I>(schema: Schema.Schema<A, I>, r: Reply): A => Schema.decodeUnknownSync(schema)(r.json)

/** Submits a restore and returns its job id (fails the test when it is refused). */
export const restoreJobId = (instanceId: string, body: unknown) =>
  Effect.map(restore(instanceId, body), (r) => {
    if (r.status !== 200) throw new Error(`restore refused: ${r.status} ${JSON.stringify(r.json)}`)
    return as(Wire.RestoreResponse, r).job_id
  })
