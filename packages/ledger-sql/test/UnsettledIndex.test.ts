// The read of a page of unsettled submissions is served by the partial index of the unsettled ones
// (migration 2), in its order: no scan of the journal, no sort, on SQLite and on PostgreSQL. The
// plans are the databases' own (EXPLAIN) for the very statement the ledger runs, on a ledger
// migrated as it is opened; PostgreSQL is told not to scan the table when an index can serve.
import { RestoreLedger } from "@dds-restore/client"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import { unsettledQuery } from "../src/internal/journal.js"
import * as Sqlite from "../src/internal/sqlite.js"
import * as PgTest from "./postgres.js"

const service: RestoreLedger.ServiceKey = { endpoint: "http://127.0.0.1:1", projectId: "p1" }
const instance: RestoreLedger.InstanceKey = { ...service, instanceId: "rs0" }
const after: RestoreLedger.Position = { at: 1_700_000_000_000, id: "s1" }

/** The reads `recover` and its checks make: a service's or an instance's, the first page or a later one. */
const reads: ReadonlyArray<readonly [string, RestoreLedger.ServiceKey, RestoreLedger.UnsettledPage | undefined]> = [
  ["a service's first page", service, undefined],
  ["a service's page after another", service, { after }],
  ["an instance's first page", instance, undefined],
  ["an instance's page after another", instance, { after, limit: 16 }]
]

/** The plan of each read, one text per read, by `explain` of a compiled statement. */
const plans = (sql: SqlClient.SqlClient, explain: (text: string, params: ReadonlyArray<unknown>) => Effect.Effect<string, unknown>) =>
  Effect.forEach(reads, ([, scope, page]) => {
    const [text, params] = unsettledQuery(sql, scope, page).compile()
    return explain(text, params)
  })

describe("the read of unsettled submissions: served by their index, in its order", () => {
  it.scoped("SQLite: every read searches dds_restore_submissions_unsettled, without a sort", () =>
    Effect.gen(function*() {
      const filename = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-index-")), "ledger.db")
      yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.size).pipe(Effect.provide(LedgerSql.layerSqlite({ filename })))
      const sql = yield* Sqlite.make(filename).pipe(Effect.provide(Reactivity.layer))
      const found = yield* plans(sql, (text, params) =>
        Effect.map(
          sql.unsafe<{ readonly detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params),
          (rows) => rows.map((row) => row.detail).join("; ")
        ))
      expect(found.map((plan, i) => [reads[i]?.[0], plan])).toStrictEqual(reads.map(([name, , page]) => [
        name,
        `SEARCH dds_restore_submissions USING INDEX dds_restore_submissions_unsettled (endpoint=? AND project_id=?` +
        (page?.after === undefined ? ")" : " AND at>?)")
      ]))
    }))

  it.live("PostgreSQL: every read scans dds_restore_submissions_unsettled, without a sort", () =>
    Effect.gen(function*() {
      const { url } = yield* PgTest.freshSchema("ledger_sql_unsettled_index")
      yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.size).pipe(Effect.provide(LedgerSql.layerPg({ url })))
      const found = yield* Effect.scoped(Effect.gen(function*() {
        const sql = yield* PgClient.make({ url, maxConnections: 1 }).pipe(Effect.provide(Reactivity.layer))
        return yield* sql.withTransaction(Effect.gen(function*() {
          yield* sql`SET LOCAL enable_seqscan = off`
          return yield* plans(sql, (text, params) =>
            Effect.map(
              sql.unsafe<{ readonly "QUERY PLAN": string }>(`EXPLAIN ${text}`, params),
              (rows) => rows.map((row) => row["QUERY PLAN"].trim()).join("; ")
            ))
        }))
      }))
      for (const [i, plan] of found.entries()) {
        const page = reads[i]?.[2]
        expect(plan).toMatch(/^Limit .*; -> {2}Index Scan using dds_restore_submissions_unsettled on dds_restore_submissions /)
        expect(plan).toContain(
          "Index Cond: ((endpoint = 'http://127.0.0.1:1'::text) AND (project_id = 'p1'::text)" +
            (page?.after === undefined ? ")" : ` AND (at >= '${after.at}'::bigint))`)
        )
        expect(plan).not.toMatch(/Sort|Seq Scan|Bitmap/)
      }
    }), 60_000)
})
