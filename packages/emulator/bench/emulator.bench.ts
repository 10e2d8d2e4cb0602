// The emulator serving signed `GET /v3/{project}/jobs?id=` on loopback: batches of 2,000 requests
// at concurrency 16 over fetch's keep-alive pool, each request signed afresh. Prints requests per
// second and the p50/p99 latency of every request measured.
import { DdsRequest, SdkDate } from "@dds-restore/client"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { afterAll, bench, describe } from "vitest"

const requestsPerBatch = 2_000
const concurrency = 16
const demo = { accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }

const scope = await Effect.runPromise(Scope.make())
const emulator = await Effect.runPromise(Scope.extend(Emulator.make({ jobVisibleAfter: 0 }), scope))

const signed = (fields: Parameters<typeof DdsRequest.make>[0]) => {
  const request = AkSkSigner.signRequest(
    DdsRequest.make({ ...fields, url: `${emulator.url}${fields.url}` }),
    demo,
    SdkDate.format(Date.now())
  )
  const query = DdsRequest.encodeQuery(request.query)
  return fetch(`${request.url}${query === "" ? "" : `?${query}`}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === "" ? {} : { body: request.body })
  })
}

const submitted = await signed({
  method: "POST",
  url: `/v3/${emulator.projectId}/instances/${DemoFixture.ordersInstanceId}/restore/collections`,
  headers: { "content-type": "application/json", "x-project-id": emulator.projectId },
  body: JSON.stringify({ restore_collections: [{ database: "shop", restore_database_time: String(Date.now() - 3_600_000) }] })
})
const { job_id: jobId } = (await submitted.json()) as { readonly job_id: string }

const latencies: Array<number> = []
let elapsed = 0
let served = 0

const one = async () => {
  const started = performance.now()
  const response = await signed({
    method: "GET",
    url: `/v3/${emulator.projectId}/jobs`,
    query: [["id", jobId]],
    headers: { "x-project-id": emulator.projectId }
  })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`GET jobs?id= answered ${response.status}`)
  latencies.push(performance.now() - started)
}

const batch = async () => {
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requestsPerBatch) {
        next++
        await one()
      }
    })
  )
  elapsed += performance.now() - started
  served += requestsPerBatch
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

afterAll(async () => {
  const sorted = [...latencies].sort((a, b) => a - b)
  console.log(
    `emulator: ${served} signed GET /jobs?id= at concurrency ${concurrency}: ` +
      `${Math.round(served / (elapsed / 1_000))} requests/s, ` +
      `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`
  )
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

describe("emulator over loopback", () => {
  bench(`${requestsPerBatch} signed GET /jobs?id= at concurrency ${concurrency}`, batch, {
    iterations: 3,
    warmupIterations: 1,
    time: 0
  })
})
