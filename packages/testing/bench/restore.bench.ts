// What one restore of a 10-collection plan costs on the client's side: decode and validate the
// plan, encode the body, sign it with AK/SK, send it in memory and decode the answer (no
// preflight). Measured over FakeDds, and over a transport that answers a canned {job_id} at once,
// so that the client's own share shows apart from the fake's; plus the plan's decoding alone.
import { DdsConfig, DdsResponse, RestoreClient, Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { bench, describe } from "vitest"
import { DemoFixture, FakeDds } from "../src/index.js"

const now = Date.now()
const seed = DemoFixture.make(now)
const instanceId = DemoFixture.ordersInstanceId
const at = String(now - 60 * 60 * 1000)

let n = 0
/** A plan file's content: ten collections, under names no earlier iteration used. */
const planInput = () => {
  n++
  return {
    restore_collections: [{
      database: "shop",
      collections: Array.from({ length: 10 }, (_, k) => ({
        old_name: `collection_${k}`,
        new_name: `collection_${k}_restored_${n}`,
        restore_collection_time: at
      }))
    }]
  }
}

const clientOver = (transport: Layer.Layer<Transport.Transport>) =>
  ManagedRuntime.make(
    RestoreClient.layer().pipe(
      Layer.provide(transport),
      Layer.provide(AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey })),
      Layer.provide(Layer.orDie(DdsConfig.layer({ projectId: seed.projectId, region: seed.region })))
    )
  )

const canned = DdsResponse.make({
  status: 200,
  headers: { "content-type": "application/json", "x-request-id": "bench" },
  body: JSON.stringify({ job_id: "a03b1b8a-b756-467c-8a49-38720c3d23ec" })
})
const overCanned = clientOver(Transport.layer(() => Effect.succeed(canned)))

// A fake keeps every job and every restored name, and each submission checks the new names
// against them: a fresh fake every 200 restores keeps the fake's cost from growing with the run.
const newFake = () => Effect.runSync(FakeDds.make(seed, { busyWhileRestoring: false }))
let fake = newFake()
const overFake = clientOver(Transport.layer((request) => Effect.suspend(() => fake.send(request))))

const restoreOnce = (runtime: typeof overCanned) =>
  runtime.runPromise(Effect.gen(function*() {
    const plan = yield* RestorePlan.decode(planInput())
    const client = yield* RestoreClient.RestoreClient
    return yield* client.restore(instanceId, plan, { preflight: false })
  }))

// Longer runs than the default: the figures are small and a shared machine is noisy.
const options = { time: 3000, warmupTime: 1000 }

describe("one restore of a 10-collection plan (client side, no preflight)", () => {
  bench("over a canned {job_id} transport: the client's own cost", async () => {
    await restoreOnce(overCanned)
  }, options)

  bench("over FakeDds in memory", async () => {
    if (n % 200 === 0) fake = newFake()
    await restoreOnce(overFake)
  }, options)

  bench("decoding and validating the plan alone", async () => {
    await Effect.runPromise(RestorePlan.decode(planInput()))
  }, options)
})
