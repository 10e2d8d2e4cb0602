// Runners that start together on a new PostgreSQL ledger (a fleet's runners, each with a pool of
// its own) all migrate it at the same instant: each one comes up, the schema is made once. And a
// runner that cannot get the migration lock in time says so, naming the ledger without its password.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { LedgerSql } from "../src/index.js"
import * as Migrations from "../src/internal/migrations.js"
import * as PgTest from "./postgres.js"

const DATABASE = "ledger_sql_pg_migrate"
const RUNNERS = 12
const ROUNDS = 6

/** A pool of its own on `url`, already connected, for the rest of the scope. */
const pool = (url: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    const sql = yield* PgClient.make({ url, maxConnections: 2 })
    yield* Effect.all([sql`SELECT 1`, sql`SELECT 1`], { concurrency: 2 })
    return sql as SqlClient.SqlClient
  }).pipe(Effect.provide(Reactivity.layer), Effect.orDie)

describe("a PostgreSQL ledger: migrated by many runners at once", () => {
  it.live(`${RUNNERS} pools migrating one new schema at the same instant all come up, ${ROUNDS} times over`, () =>
    Effect.gen(function*() {
      for (let round = 0; round < ROUNDS; round++) {
        const { schema, url } = yield* PgTest.freshSchema(DATABASE)
        const outcomes = yield* Effect.scoped(Effect.gen(function*() {
          const pools = yield* Effect.all(Array.from({ length: RUNNERS }, () => pool(url)), { concurrency: "unbounded" })
          const go = yield* Deferred.make<void>()
          const runners = yield* Effect.fork(Effect.all(
            pools.map((sql) =>
              Deferred.await(go).pipe(
                Effect.zipRight(LedgerSql.make({ ledger: "pg-test" })),
                Effect.flatMap((ledger) => ledger.recent(1)),
                Effect.provideService(SqlClient.SqlClient, sql),
                Effect.match({ onFailure: (error) => `${error.reason}: ${error.detail}`, onSuccess: (recent) => `up, ${recent.length} recent` })
              )
            ),
            { concurrency: "unbounded" }
          ))
          yield* Deferred.succeed(go, undefined)
          return yield* runners.await.pipe(Effect.flatten)
        }))
        expect(outcomes).toStrictEqual(Array.from({ length: RUNNERS }, () => "up, 0 recent"))
        const applied = yield* PgTest.withClient(DATABASE, (sql) =>
          sql.unsafe<{ readonly migration_id: number; readonly name: string }>(
            `SELECT migration_id, name FROM ${schema}.dds_restore_ledger_migrations ORDER BY migration_id`
          )).pipe(Effect.orDie)
        expect(applied.map((row) => [row.migration_id, row.name])).toStrictEqual([[1, "create_ledger"], [2, "index_unsettled"]])
      }
    }), 120_000)

  it.live("a migration lock held elsewhere beyond the wait: Locked, naming the ledger and what to do; nothing made", () =>
    Effect.gen(function*() {
      const { schema, url } = yield* PgTest.freshSchema(DATABASE)
      const { password } = PgTest.server()
      const error = yield* Effect.scoped(Effect.gen(function*() {
        const holder = yield* pool(url)
        const held = yield* holder.reserve
        yield* held.execute(`SELECT pg_advisory_lock(${Migrations.lockKey})`, [], undefined)
        const runner = yield* pool(url)
        return yield* Effect.flip(Migrations.migrate(LedgerSql.pgName(url), "300 millis").pipe(
          Effect.provideService(SqlClient.SqlClient, runner)
        ))
      }))
      expect([error._tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", "Locked", LedgerSql.pgName(url)])
      expect(error.detail).toContain(`another connection held its migration lock (advisory lock ${Migrations.lockKey}) for longer than 300ms`)
      expect(error.message).not.toContain(password)
      const tables = yield* PgTest.withClient(DATABASE, (sql) =>
        sql.unsafe<{ readonly name: string }>(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${schema}'`
        )).pipe(Effect.orDie)
      expect(tables).toStrictEqual([])
      // Once the lock is let go, the next runner migrates it.
      const recent = yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.recent(1)).pipe(
        Effect.provide(LedgerSql.layerPg({ url }))
      )
      expect(recent).toStrictEqual([])
    }), 60_000)
})
