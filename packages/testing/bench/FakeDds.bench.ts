// How much a FakeDds costs a team's test suite: one read, and one restore followed by reading its job.
import { DdsRequest } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import { bench, describe } from "vitest"
import { DemoFixture, FakeDds } from "../src/index.js"

const now = Date.now()
const fake = Effect.runSync(FakeDds.make(DemoFixture.make(now), { requireSigning: false, busyWhileRestoring: false }))
const base = `https://dds.cn-north-4.myhuaweicloud.com/v3/${DemoFixture.projectId}`

const collections = DdsRequest.make({
  method: "GET",
  url: `${base}/instances/${DemoFixture.ordersInstanceId}/restore-collection`,
  query: [["db_name", "shop"], ["restore_time", String(now - 3_600_000)]]
})

let n = 0
const restore = () =>
  DdsRequest.make({
    method: "POST",
    url: `${base}/instances/${DemoFixture.ordersInstanceId}/restore/collections`,
    body: JSON.stringify({
      restore_collections: [{
        database: "shop",
        collections: [{ old_name: "orders", new_name: `orders_${n++}`, restore_collection_time: String(now - 3_600_000) }]
      }]
    })
  })

describe("FakeDds.handle", () => {
  bench("restore-collection read", async () => {
    await Effect.runPromise(fake.handle(collections))
  })

  bench("restore submit + job read", async () => {
    const answer = await Effect.runPromise(fake.handle(restore()))
    const jobId = (JSON.parse(answer.body) as { job_id: string }).job_id
    await Effect.runPromise(fake.handle(DdsRequest.make({ method: "GET", url: `${base}/jobs`, query: [["id", jobId]] })))
  })
})
