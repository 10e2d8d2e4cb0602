// A PostgreSQL ledger whose pool is kept busy for a moment (a runner with many fibers on a loaded
// machine): a statement that gets no connection within the connect timeout is tried again, up to
// three times, instead of failing the restore it belongs to; past that it fails saying what was
// waited for and what to check, without the password. The pool's one connection is held by a
// fenced write that waits for a row lock another session holds, on the real server.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { LedgerSql } from "../src/index.js"
import * as PgTest from "./postgres.js"

const DATABASE = "ledger_sql_pool"

const k: RestoreLedger.InstanceKey = { endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId: "rs-pool" }

const intent = (id: string): RestoreLedger.Intent => ({
  id,
  key: k,
  holder: "runner",
  at: Date.now(),
  body: "{}",
  hash: "h",
  searchFrom: Date.now() - 60_000,
  before: []
})

/**
 * A ledger with one connection, which its fenced write of `s1` holds (waiting for the lease row,
 * locked by another session for `lockFor`) while `use` runs; `use` gets the ledger.
 */
const heldPool = <A, E>(lockFor: Duration.DurationInput, connectTimeout: Duration.DurationInput, use: (ledger: RestoreLedger.Service) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const { schema, url } = yield* PgTest.freshSchema(DATABASE)
    return yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) =>
      Effect.gen(function*() {
        const lease = yield* ledger.acquire(k, { holder: "runner", ttl: "1 minute", wait: "0 seconds" })
        const locked = yield* Deferred.make<void>()
        const other = yield* PgTest.withClient(DATABASE, (sql) =>
          sql.withTransaction(Effect.gen(function*() {
            yield* sql.unsafe(`SELECT token FROM ${schema}.dds_restore_leases FOR UPDATE`)
            yield* Deferred.succeed(locked, undefined)
            yield* Effect.sleep(lockFor)
          }))).pipe(Effect.orDie, Effect.fork)
        yield* Deferred.await(locked)
        const writing = yield* Effect.fork(ledger.record(lease, intent("s1")))
        // The write has the pool's one connection once it waits for the row lock.
        yield* PgTest.withClient(DATABASE, (sql) =>
          Effect.repeat(
            sql<{ readonly n: number | string }>`SELECT count(*) AS n FROM pg_stat_activity
              WHERE datname = ${DATABASE} AND application_name = 'dds-restore' AND wait_event_type = 'Lock'`,
            { until: ([row]) => Number(row?.n ?? 0) === 1, schedule: Schedule.intersect(Schedule.spaced("10 millis"), Schedule.recurs(1000)) }
          )).pipe(Effect.orDie)
        const result = yield* Effect.exit(use(ledger))
        yield* Fiber.join(other)
        yield* Fiber.join(writing)
        return result
      })).pipe(Effect.provide(LedgerSql.layerPg({ url, maxConnections: 1, connectTimeout })))
  })

describe("a PostgreSQL ledger: a pool kept busy for a moment", () => {
  it.live("its one connection held for 400 ms, a read waiting for it past the 250 ms connect timeout is tried again and answers", () =>
    Effect.gen(function*() {
      const result = yield* heldPool("400 millis", "250 millis", (ledger) => ledger.recent(5))
      // It ran once the write had committed: it sees the write's submission.
      expect(result._tag).toBe("Success")
      if (result._tag === "Success") expect(result.value.map((e) => [e.id, e.state])).toStrictEqual([["s1", "Intent"]])
    }), 60_000)

  it.live("held for 3 s, past three connect timeouts of 150 ms: the read fails saying so, and what to check, without the password", () =>
    Effect.gen(function*() {
      const { password } = PgTest.server()
      const result = yield* heldPool("3 seconds", "150 millis", (ledger) => ledger.recent(5))
      expect(result._tag).toBe("Failure")
      if (result._tag === "Failure") {
        const error = Option.getOrUndefined(Cause.failureOption(result.cause))
        expect([error?._tag, error?.reason]).toStrictEqual(["LedgerError", "Failed"])
        expect(error?.detail).toContain("no connection to the PostgreSQL server within the connect timeout, 3 times (timeout exceeded when trying to connect)")
        expect(error?.detail).toContain("check the server's load and its max_connections against the runners' pools")
        expect(error?.message).not.toContain(password)
      }
    }), 60_000)
})
