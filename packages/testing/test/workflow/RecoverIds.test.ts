// recover settles what the ledger holds, and an older version may have journaled a submission to
// an instance id that no id check of today's lets through (over 64 characters, or not a safe path
// segment): such a one is left unsettled, saying which and why, with nothing sent for it and no URL
// built from it, while the other submissions are settled as ever.
import { RestoreClient, RestoreLedger, Transport } from "@dds-restore/client"
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
  instances: [Seed.replicaSet({ id: "rs0", name: "rs0-name", windows: [{ start: NOW - DAY, end: NOW - MINUTE }], databases: { shop: ["orders"] } })]
})

const long = `rs0${"x".repeat(67)}`
const unsafe = "rs0/../../v3/p/instances/rs1/restore/collections?x="
const cannot = "No request is built from it, so the task list cannot settle it: whether its restore started is unknown."

describe("recover, with submissions an older version journaled to ids no check lets through today", () => {
  it.effect("an id over 64 characters or not a safe segment: left unsettled, saying why, nothing sent for it; the others settled", () => {
    const urls: Array<string> = []
    const recorded = Layer.effect(
      Transport.Transport,
      Effect.map(FakeDds.FakeDds, (fake) => Transport.make((request) => Effect.zipRight(Effect.sync(() => urls.push(`${request.method} ${request.url}?${request.query.map(([k, v]) => `${k}=${v}`).join("&")}`)), fake.send(request))))
    )
    const world = Layer.mergeAll(AkSkSigner.layer(credentials), configOf(seed), RestoreLedger.layerMemory, recorded).pipe(
      Layer.provideMerge(FakeDds.layer(seed, { busyWhileRestoring: false }))
    )
    return atNow(Effect.gen(function*() {
      const ledger = yield* RestoreLedger.RestoreLedger
      const fake = yield* FakeDds.FakeDds
      const service = { endpoint: ENDPOINT, projectId: seed.projectId }
      // Journaled by processes that died (their leases, never renewed, run out below).
      const journaled = [["s-long", long], ["s-ok", "rs0"], ["s-unsafe", unsafe]] as const
      for (const [i, [id, instanceId]] of journaled.entries()) {
        const key = { ...service, instanceId }
        const lease = yield* ledger.acquire(key, { holder: "an older version that died", ttl: "30 seconds", wait: "0 seconds" })
        const at = NOW - 2 * HOUR + i * 1000
        yield* ledger.record(lease, { id, key, holder: "an older version that died", at, body: "{}", hash: "h", searchFrom: at - 15 * MINUTE, before: [] })
      }
      yield* TestClock.adjust("31 seconds")
      const recovered = yield* settled((yield* RestoreClient.make()).recover())
      expect(recovered.map((r) => [r.entry.id, r.entry.key.instanceId, r.outcome, r.left, r.problem])).toStrictEqual([
        [
          "s-long",
          long,
          undefined,
          "InvalidInstanceId",
          `submission "s-long", journaled by an older version, is left unsettled: its instance id ${JSON.stringify(`${long.slice(0, 40)}…`)} ` +
          `is 70 characters long, longer than any id: an id has at most 64. ${cannot}`
        ],
        ["s-ok", "rs0", RestoreLedger.Outcome.NotStarted(), undefined, undefined],
        [
          "s-unsafe",
          unsafe,
          undefined,
          "InvalidInstanceId",
          `submission "s-unsafe", journaled by an older version, is left unsettled: its instance id ${JSON.stringify(unsafe)} ` +
          `is not a valid id (only letters, digits, "-" and "_", not empty). ${cannot}`
        ]
      ])
      expect((yield* ledger.unsettled(service)).map((entry) => entry.id)).toStrictEqual(["s-long", "s-unsafe"])
      expect((yield* fake.requests).restore ?? 0).toBe(0)
      // The task list read once, from the one settled's searchFrom to now and the skew margin: no path or
      // query built of the others' ids.
      expect(urls).toStrictEqual([
        `GET ${ENDPOINT}/v3.1/${seed.projectId}/jobs?start_time=2026-11-20T09:45:01+0000&end_time=2026-11-20T12:15:31+0000` +
        "&name=MongodbRestoreTable&offset=0&limit=100"
      ])
    })).pipe(Effect.provide(world), Logger.withMinimumLogLevel(LogLevel.Error))
  }, 60_000)
})
