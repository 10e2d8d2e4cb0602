// The contract test of the client and the fake: every call the client makes, made against the
// service under test, each request and each answer checked against the official SDKs' models as
// docs/service/sdk-models.json describes them (read through the domain's test module contract.ts).
import { DdsConfig, type DdsRequest, type DdsResponse, RestoreClient, Transport } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { callOf, conformance, description, queryConformance } from "../../../domain/test/contract.js"
import type { Seed } from "../../src/index.js"
import { credential, NOW, PROJECT, seed, type Served } from "./scenarios.js"

const HOUR = 3_600_000

interface Exchange {
  readonly request: DdsRequest.DdsRequest
  readonly response: DdsResponse.DdsResponse
}

/** What in one exchange disagrees with the description, each issue naming the request. */
const issuesOf = ({ request, response }: Exchange): ReadonlyArray<string> => {
  const path = new URL(request.url).pathname
  const call = callOf(request.method, path)
  if (call === undefined) return [`${request.method} ${path}: no such call in the description`]
  const where = `${call.operation} (${request.method} ${path})`
  const body = request.body === "" ? [] : call.body === undefined
    ? ["a body the call does not take"]
    : conformance(JSON.parse(request.body), call.body, "body")
  const answered = response.body === "" ? undefined : JSON.parse(response.body)
  const answer = response.status >= 200 && response.status < 300
    ? conformance(answered, call.answer, "answer")
    : conformance(answered, description.error, `error ${response.status}`)
  return [...queryConformance(call, request.query), ...body, ...answer].map((issue) => `${where}: ${issue}`)
}

/** The contract test over the service `serve` starts from a seed, under the TestClock set to NOW. */
export const describeContract = (title: string, serve: (seed: Seed.Seed) => Effect.Effect<Served, never, Scope.Scope>) =>
  describe(title, () => {
    it.scoped("every request the client sends and every answer it reads are the SDK models' own", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const served = yield* serve(seed)
        const exchanges: Array<Exchange> = []
        const recorded = Transport.make((request) =>
          Effect.tap(served.send(request), (response) => Effect.sync(() => exchanges.push({ request, response })))
        )
        const client = yield* RestoreClient.RestoreClient.pipe(
          Effect.provide(RestoreClient.layer({ retryPolicy: { maxAttempts: 1 } }).pipe(Layer.provide(Layer.mergeAll(
            Layer.succeed(Transport.Transport, recorded),
            AkSkSigner.layer(credential),
            DdsConfig.layer({ projectId: PROJECT, endpoint: served.endpoint })
          ))))
        )
        const plan = RestorePlan.make([
          RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_fix", at: NOW - 2 * HOUR })])
        ])
        const { jobId } = yield* client.restore("rs1", plan)
        yield* TestClock.adjust("10 seconds")
        yield* client.job(jobId)
        // Nothing to find on rs2: one read of the task list, then the outcome is unknown.
        yield* Effect.flip(client.reconcile("rs2", NOW, { wait: 0 }))
        yield* client.restoreTasks("rs1", NOW - HOUR, NOW + HOUR)
        yield* client.restorableTimes("rs1", "2026-11-30")
        yield* client.restorableDatabases("rs1", NOW - 2 * HOUR)
        yield* client.restorableCollections("rs1", "shop", NOW - 2 * HOUR)
        yield* client.instance("rs1")
        yield* client.backupPolicy("rs1")
        yield* Effect.flip(client.job("no-such-job"))
        yield* Effect.flip(client.instance("nope"))

        const operations = new Set(exchanges.map((e) => callOf(e.request.method, new URL(e.request.url).pathname)?.operation))
        expect([...operations].sort()).toStrictEqual(description.calls.map((c) => c.operation).sort())
        expect(exchanges.some((e) => e.response.status >= 400)).toBe(true)
        expect(exchanges.flatMap(issuesOf)).toStrictEqual([])
      }).pipe(Effect.orDie))
  })
