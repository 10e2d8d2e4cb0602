// restoreMany by two runners sharing a ledger in memory (one process), in an SQLite file and in
// PostgreSQL (the server of the global setup), each runner with a connection of its own as on two
// machines.
import { RestoreLedger } from "@dds-restore/client"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import { fleetSuite } from "./fleet.js"
import * as PgTest from "./postgres.js"

const opened = (layer: Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError>) =>
  Effect.map(Layer.build(layer), Context.get(RestoreLedger.RestoreLedger))

fleetSuite("memory", () => Effect.map(RestoreLedger.makeMemory, (ledger) => [ledger, ledger] as const))

fleetSuite("SQLite, a connection per runner", () => {
  const filename = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-fleet-")), "ledger.db")
  return Effect.all([opened(LedgerSql.layerSqlite({ filename })), opened(LedgerSql.layerSqlite({ filename }))])
})

fleetSuite("PostgreSQL, a pool per runner", () =>
  Effect.gen(function*() {
    const { url } = yield* PgTest.freshSchema("ledger_sql_fleet")
    return [yield* opened(LedgerSql.layerPg({ url })), yield* opened(LedgerSql.layerPg({ url }))] as const
  }))
