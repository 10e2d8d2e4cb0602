// `--instances N` seeds a fleet: N replica sets derived from `--fleet-seed`, the same in every
// emulator started with the same seed, listed on the state page and restorable over HTTP.
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { EmulatorMain, EmulatorOptions } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import { HttpTransport } from "@dds-restore/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"

const HOUR = 3_600_000

const refusal = <A>(result: Either.Either<A, EmulatorOptions.InvalidOption>): EmulatorOptions.InvalidOption => {
  if (Either.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe("EmulatorOptions: --instances and --fleet-seed", () => {
  it("reads a fleet size and its seed; the seed is optional", () => {
    expect(Either.map(EmulatorOptions.parseArgs(["--instances", "200", "--fleet-seed", "ci"]), (o) => o.fleet)).toEqual(
      Either.right({ count: 200, seed: "ci" })
    )
    expect(Either.map(EmulatorOptions.parseArgs(["--instances", "0"]), (o) => o.fleet)).toEqual(Either.right({ count: 0 }))
    expect(Either.map(EmulatorOptions.parseArgs([]), (o) => o.fleet)).toEqual(Either.right(undefined))
  })

  it("refuses a size that is not a whole number from 0 to 10000, naming the option", () => {
    for (const value of ["10001", "-1", "2.5", "many", ""]) {
      const error = refusal(EmulatorOptions.parseArgs([`--instances=${value}`]))
      expect([error.option, error.value, error.detail]).toEqual(["--instances", value, "expected an integer from 0 to 10000"])
    }
  })

  it("refuses a seed without a fleet, an empty seed and a seed over 100 characters", () => {
    expect(refusal(EmulatorOptions.parseArgs(["--fleet-seed", "ci"])).detail).toBe("it names a fleet: give --instances N too")
    expect(refusal(EmulatorOptions.parseArgs(["--instances", "2", "--fleet-seed", ""])).detail).toBe(
      "expected a text of 1 to 100 characters"
    )
    expect(refusal(EmulatorOptions.parseArgs(["--instances", "2", "--fleet-seed", "s".repeat(101)])).option).toBe("--fleet-seed")
  })
})

interface State {
  readonly instances: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly mode: string
    readonly status: string
    readonly actions: ReadonlyArray<string>
    readonly databases: ReadonlyArray<{ readonly name: string; readonly collections: ReadonlyArray<string> }>
  }>
  readonly jobs: ReadonlyArray<{ readonly instance_id: string; readonly restores: ReadonlyArray<string> }>
}

describe("the emulator with --instances", () => {
  it.live("serves the seed's fleet after the demo instances, the same for the same seed, and restores on each", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const started = (argv: ReadonlyArray<string>) =>
        Effect.flatMap(
          EmulatorOptions.parseArgs(argv),
          (options) => EmulatorMain.start(options, (line) => lines.push(line))
        )
      const first = yield* started(["--instances", "3", "--fleet-seed", "ci", "--job-duration", "1s"])
      const second = yield* started(["--instances", "3", "--fleet-seed", "ci"])
      expect(lines).toContain(`fleet: 3 replica sets from seed "ci"`)
      const state = (url: string) =>
        Effect.promise(async () => (await (await fetch(`${url}/_emulator/state`)).json()) as State)
      const ids = DemoFixture.fleetInstanceIds({ count: 3, seed: "ci" })
      const before = yield* state(first.url)
      expect(before.instances.map((i) => i.id)).toEqual([
        DemoFixture.ordersInstanceId,
        DemoFixture.shardedInstanceId,
        DemoFixture.noIncrementalInstanceId,
        ...ids
      ])
      expect((yield* state(second.url)).instances.map((i) => [i.id, i.name])).toEqual(
        before.instances.map((i) => [i.id, i.name])
      )
      const demo = before.instances[0]
      for (const instance of before.instances.slice(3)) {
        expect(instance).toMatchObject({ mode: "ReplicaSet", status: "normal", actions: [], databases: demo?.databases })
      }

      const now = Date.now()
      const plan = RestorePlan.make([
        RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - 2 * HOUR })])
      ])
      const client = RestoreClient.layer().pipe(
        Layer.provide(HttpTransport.layer({ timeout: "5 seconds" })),
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.provide(AkSkSigner.layer({ accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey })),
        Layer.provide(DdsConfig.layer({ projectId: DemoFixture.projectId, endpoint: first.url }))
      )
      const results = yield* Effect.flatMap(
        RestoreClient.RestoreClient,
        (dds) => dds.restoreMany(ids.map((instanceId) => ({ instanceId, plan })), { concurrency: 3 })
      ).pipe(Effect.provide(client))
      expect(results.map((r) => [r.instanceId, r.result._tag])).toEqual(ids.map((id) => [id, "Success"]))
      const jobs = (yield* state(first.url)).jobs
      expect(jobs.map((j) => j.instance_id).sort()).toEqual([...ids].sort())
      // The state page tells which request created a job by what it restores.
      expect(jobs.map((j) => j.restores)).toEqual(ids.map(() => ["shop.orders_restored"]))
    }).pipe(Effect.scoped))
})
