import { Emulator } from "@dds-restore/emulator"
import { DemoFixture } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js"
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"

// A client nobody here wrote: the official Node SDK core signs the request offline (as its
// HcClient would: endpoint = base URL + path, query as an object, body as the object it
// JSON.stringify-s; it picks the X-Sdk-Date itself), and node:http sends exactly those headers.
const officialSigned = (options: {
  readonly base: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly query?: Record<string, string>
  readonly headers: Record<string, string>
  readonly data?: object
}) => {
  const signed: Record<string, string> = AKSKSigner.sign(
    {
      endpoint: options.base + options.path,
      method: options.method,
      queryParams: options.query ?? {},
      headers: { ...options.headers },
      data: options.data
    },
    new BasicCredentials().withAk(DemoFixture.accessKeyId).withSk(Redacted.value(DemoFixture.secretAccessKey))
  )
  const search = new URLSearchParams(options.query ?? {}).toString()
  return Effect.async<{ readonly status: number; readonly body: string }>((resume) => {
    const request = Http.request(
      `${options.base}${options.path}${search === "" ? "" : `?${search}`}`,
      { method: options.method, headers: signed },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () =>
          resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })))
      }
    )
    request.on("error", (error) => resume(Effect.die(error)))
    request.end(options.data === undefined ? undefined : JSON.stringify(options.data))
  })
}

describe("a request signed by @huaweicloud/huaweicloud-sdk-core", () => {
  it.live("a GET with a query is accepted", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const answer = yield* officialSigned({
        base: emulator.url,
        method: "GET",
        path: `/v3/${emulator.projectId}/instances`,
        query: { id: DemoFixture.ordersInstanceId },
        headers: { "Content-Type": "application/json", "X-Project-Id": emulator.projectId }
      })
      expect(answer.status).toBe(200)
      const body = JSON.parse(answer.body) as { readonly instances: ReadonlyArray<{ readonly name: string }> }
      expect(body.instances.map((instance) => instance.name)).toEqual(["dds-orders-demo"])
    }).pipe(Effect.scoped))

  it.live("a restore POST with a JSON body is accepted and creates the job", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const now = yield* Clock.currentTimeMillis
      const answer = yield* officialSigned({
        base: emulator.url,
        method: "POST",
        path: `/v3/${emulator.projectId}/instances/${DemoFixture.ordersInstanceId}/restore/collections`,
        headers: { "Content-Type": "application/json", "X-Project-Id": emulator.projectId },
        data: { restore_collections: [{ database: "analytics", restore_database_time: String(now - 3_600_000) }] }
      })
      expect(answer.status).toBe(200)
      const jobs = yield* emulator.fake.jobs
      expect(jobs.map((job) => job.id)).toEqual([(JSON.parse(answer.body) as { readonly job_id: string }).job_id])
    }).pipe(Effect.scoped))
})
