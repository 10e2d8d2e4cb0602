// What the client itself costs per call (build, sign, send, classify, decode) over an in-memory
// transport that answers at once, and the cost of walking a 10,000-database listing.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { bench, describe } from "vitest"
import { DdsConfig, DdsResponse, RestoreClient, Signer, Transport } from "@dds-restore/client"

const instanceId = "9136fd2a9fcd405ea4674276ce36dae8in02"
const databases = Array.from({ length: 10_000 }, (_, i) => `db_${i}`)
const policy = JSON.stringify({ backup_policy: { keep_days: 7, enable_incremental_backup: true } })

const transport = Transport.layer((request) => {
  if (!request.url.endsWith("/restore-database")) return Effect.succeed(DdsResponse.make({ status: 200, body: policy }))
  const offset = Number(request.query.find(([k]) => k === "offset")?.[1])
  return Effect.succeed(
    DdsResponse.make({ status: 200, body: JSON.stringify({ databases: databases.slice(offset, offset + 100), total_count: 10_000 }) })
  )
})

const runtime = ManagedRuntime.make(
  RestoreClient.layer().pipe(
    Layer.provide(transport),
    Layer.provide(Signer.layerUnsigned),
    Layer.provide(Layer.orDie(DdsConfig.layer({ projectId: "0123456789abcdef0123456789abcdef", region: "cn-north-4" })))
  )
)

describe("RestoreClient", () => {
  bench("backupPolicy: one call end to end", async () => {
    await runtime.runPromise(Effect.flatMap(RestoreClient.RestoreClient, (client) => client.backupPolicy(instanceId)))
  })

  bench("restorableDatabases: 10,000 databases in 100 pages", async () => {
    await runtime.runPromise(Effect.flatMap(RestoreClient.RestoreClient, (client) => client.restorableDatabases(instanceId, 1607762955000)))
  })
})
