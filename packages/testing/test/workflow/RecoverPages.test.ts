// recover reads the ledger a page at a time (RestoreLedger.unsettledLimit at most per read): with
// more unsettled submissions to its service than a page holds, every one of them is settled, once,
// oldest first, and those of another endpoint or project are left as they were.
import { RestoreClient, RestoreLedger } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import { FakeDds, Seed } from "../../src/index.js"
import { atNow, configOf, credentials, DAY, ENDPOINT, HOUR, MINUTE, NOW, settled } from "./support.js"

const seed = Seed.make({
  instances: ["rs0", "rs1"].map((id) =>
    Seed.replicaSet({ id, name: `${id}-name`, windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders"] } })
  )
})

const world = Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), RestoreLedger.layerMemory).pipe(
  Layer.provideMerge(FakeDds.layerMemory(seed, { busyWhileRestoring: false }))
)

/**
 * `count` submissions to the instances of `service`, by processes that died after journaling them
 * (their leases, never renewed, have run out when this ends), `at` 2 hours ago plus one second
 * each: in the journal newest first, as a fleet's runners may write them.
 */
const diedAfterJournaling = (service: RestoreLedger.ServiceKey, prefix: string, count: number) =>
  Effect.gen(function*() {
    const ledger = yield* RestoreLedger.RestoreLedger
    const leases = yield* Effect.forEach(
      ["rs0", "rs1"],
      (instanceId) => ledger.acquire({ ...service, instanceId }, { holder: "a process that died", ttl: "30 seconds", wait: "0 seconds" })
    )
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`)
    for (const [i, id] of [...ids.entries()].reverse()) {
      const lease = leases[i % 2]
      if (lease === undefined) return yield* Effect.die("no lease")
      const instanceId = lease.key.instanceId
      const at = NOW - 2 * HOUR + i * 1000
      yield* ledger.record(lease, {
        id,
        key: { ...service, instanceId },
        holder: "a process that died",
        at,
        body: "{}",
        hash: "h",
        searchFrom: at - 15 * MINUTE,
        before: []
      })
    }
    return ids
  })

describe("recover, with more unsettled submissions than a page of the ledger", () => {
  it.effect(`${2 * RestoreLedger.unsettledLimit + 5} to this service, beside others': all of them settled once, oldest first, the others' left`, () =>
    atNow(Effect.gen(function*() {
      const ledger = yield* RestoreLedger.RestoreLedger
      const fake = yield* FakeDds.FakeDds
      const service = { endpoint: ENDPOINT, projectId: seed.projectId }
      const ours = yield* diedAfterJournaling(service, "ours", 2 * RestoreLedger.unsettledLimit + 5)
      const otherProject = yield* diedAfterJournaling({ ...service, projectId: "another-project" }, "other-project", 3)
      const otherEndpoint = yield* diedAfterJournaling({ ...service, endpoint: "http://127.0.0.1:40001" }, "other-endpoint", 3)
      yield* TestClock.adjust("31 seconds")
      const recovered = yield* settled((yield* RestoreClient.make()).recover())
      expect(recovered.map((r) => [r.entry.id, r.outcome, r.left])).toStrictEqual(
        ours.map((id) => [id, RestoreLedger.Outcome.NotStarted(), undefined])
      )
      expect(yield* ledger.unsettled(service)).toStrictEqual([])
      expect((yield* ledger.unsettled()).map((entry) => entry.id)).toStrictEqual(
        [...otherProject, ...otherEndpoint].sort((a, b) => Number(a.slice(-3)) - Number(b.slice(-3)) || a.localeCompare(b))
      )
      expect((yield* fake.requests).restore ?? 0).toBe(0)
    })).pipe(Effect.provide(world), Logger.withMinimumLogLevel(LogLevel.Error)), 120_000)
})
