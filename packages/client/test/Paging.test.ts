// How a listing is walked (internal/paging.ts), seen through the public reads: the first page, then
// the pages after it a few at a time, each at the offset where the entries before it end.
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import { RestoreClient } from "@dds-restore/client"
import type * as DdsRequest from "../src/DdsRequest.js"
import { client, instanceId, json, recording } from "./support.js"

const at = 1607762955000
const offsetOf = (request: DdsRequest.DdsRequest) => Number(request.query.find(([k]) => k === "offset")?.[1])
const limitOf = (request: DdsRequest.DdsRequest) => Number(request.query.find(([k]) => k === "limit")?.[1])
const databases = (count: number) => Array.from({ length: count }, (_, i) => `db_${i}`)
// restorableDatabases through a client over `transport`.
const listed = (transport: { readonly layer: Parameters<typeof client>[0] }) =>
  Effect.flatMap(RestoreClient.RestoreClient, (c) => c.restorableDatabases(instanceId, at)).pipe(Effect.provide(client(transport.layer)))
const page = (names: ReadonlyArray<string>, total: number) => json(200, JSON.stringify({ databases: names, total_count: total }))

describe("a listing of many pages", () => {
  it.effect("asks for the pages after the first 4 at a time: 1,000 entries in 10 pages are 4 round trips", () =>
    Effect.gen(function*() {
      const all = databases(1000)
      const rounds = [[0], [100, 200, 300, 400], [500, 600, 700, 800], [900]]
      const roundOf = (offset: number) => rounds.findIndex((round) => round.includes(offset))
      // A round's pages are answered only once all of them were asked for: read fewer at once, the
      // walk would wait here for ever (the test's timeout). A page asked for before the rounds
      // before its own were all answered is more at once than 4.
      const full = yield* Effect.forEach(rounds, () => Deferred.make<void>())
      const asked = new Set<number>()
      const answered = new Set<number>()
      const early: Array<number> = []
      const transport = recording((request) =>
        Effect.gen(function*() {
          const offset = offsetOf(request)
          const r = roundOf(offset)
          if (rounds.slice(0, r).flat().some((o) => !answered.has(o))) early.push(offset)
          asked.add(offset)
          const gate = full[r]
          if (gate === undefined) return yield* Effect.die(`a page at offset ${offset}, which no round has`)
          if (rounds[r]?.every((o) => asked.has(o)) === true) yield* Deferred.succeed(gate, undefined)
          yield* Deferred.await(gate)
          answered.add(offset)
          return page(all.slice(offset, offset + limitOf(request)), 1000)
        })
      )
      const found = yield* listed(transport)
      expect(found).toStrictEqual(all)
      expect(early).toStrictEqual([])
      expect(transport.requests.map(offsetOf).sort((x, y) => x - y)).toStrictEqual(rounds.flat())
    }), 10_000)

  it.effect("follows a service whose pages are shorter than asked: 95 entries 30 a page", () =>
    Effect.gen(function*() {
      const all = databases(95)
      const transport = recording((request) => Effect.succeed(page(all.slice(offsetOf(request), offsetOf(request) + 30), 95)))
      const found = yield* listed(transport)
      expect(found).toStrictEqual(all)
      expect(transport.requests.map((r) => [offsetOf(r), limitOf(r)])).toStrictEqual([[0, 100], [30, 100], [60, 100], [90, 100]])
    }))

  it.effect("a page shorter than the first before the end drops the pages asked after it and asks again from where the entries end", () =>
    Effect.gen(function*() {
      const all = databases(250)
      const transport = recording((request, index) => {
        const offset = offsetOf(request)
        // The page at 100 comes back with 50 entries (the listing changed meanwhile): the page asked
        // for at 200 no longer follows it.
        const size = offset === 100 && index < 3 ? 50 : limitOf(request)
        return Effect.succeed(page(all.slice(offset, offset + size), 250))
      })
      const found = yield* listed(transport)
      expect(found).toStrictEqual(all)
      const offsets = transport.requests.map(offsetOf)
      expect([offsets[0], [...offsets.slice(1, 3)].sort((x, y) => x - y), offsets[3], offsets.length]).toStrictEqual([0, [100, 200], 150, 4])
    }))

  it.effect("a page that fails fails the listing with its error", () =>
    Effect.gen(function*() {
      const all = databases(250)
      const transport = recording((request) =>
        offsetOf(request) === 200
          ? Effect.succeed(json(404, JSON.stringify({ error_code: "DBS.280239", error_msg: "no such thing" }), "req-404"))
          : Effect.succeed(page(all.slice(offsetOf(request), offsetOf(request) + limitOf(request)), 250))
      )
      const error = yield* Effect.flip(listed(transport))
      expect(error._tag === "ServiceError" && [error.status, error.code, error.requestId]).toStrictEqual([404, "DBS.280239", "req-404"])
    }))
})
