// What one request costs through HttpTransport over each HTTP client, against a server on
// 127.0.0.1 that answers at once, next to the query encoding alone.
import { DdsRequest, Transport } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as http from "node:http"
import { afterAll, beforeAll, bench, describe } from "vitest"

const query: ReadonlyArray<readonly [string, string]> = [
  ["db_name", "shop"],
  ["restore_time", "1607762955000"],
  ["start_time", "2020-12-01T00:00:00Z"],
  ["name", "MongodbRestoreTable"],
  ["offset", "0"],
  ["limit", "100"]
]

const server = http.createServer((_, res) => {
  res.writeHead(200, { "content-type": "application/json", "x-request-id": "bench" })
  res.end(`{"job_id":"a03b1b8a-b756-467c-8a49-38720c3d23ec"}`)
})
let request: DdsRequest.DdsRequest

const runtimes = new Map<string, ManagedRuntime.ManagedRuntime<Transport.Transport, never>>()
const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer],
  ["node:http", NodeHttpClient.layer]
]

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  request = DdsRequest.make({
    method: "POST",
    url: `http://127.0.0.1:${port}/v3/p/instances/i/restore/collections`,
    query,
    headers: { "content-type": "application/json", "x-sdk-date": "20240102T030405Z", authorization: "SDK-HMAC-SHA256 Access=AK" },
    body: `{"restore_collections":[{"database":"shop","restore_database_time":"1607762955000"}]}`
  })
  for (const [name, layer] of clients) {
    runtimes.set(name, ManagedRuntime.make(HttpTransport.layer().pipe(Layer.provide(layer))))
  }
})

afterAll(async () => {
  for (const runtime of runtimes.values()) await runtime.dispose()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe("one request to a loopback server", () => {
  for (const [name] of clients) {
    bench(`HttpTransport over ${name}`, async () => {
      const runtime = runtimes.get(name)
      if (runtime === undefined) throw new Error(`no runtime for ${name}`)
      await runtime.runPromise(Effect.flatMap(Transport.Transport, (transport) => transport.send(request)))
    })
  }
})

describe("the query encoding", () => {
  bench("encodeQuery, six pairs", () => {
    DdsRequest.encodeQuery(query)
  })
})
