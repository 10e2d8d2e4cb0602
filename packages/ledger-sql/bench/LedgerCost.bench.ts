// What the ledger adds to one restore whose answer came back, by where it is kept: the lease taken,
// the intent journaled, the outcome settled (its job id claimed), the lease given back. In this
// process's memory, in an SQLite file, and in PostgreSQL over loopback (the server the global
// setup starts). Each restore is on an instance of its own, as in a fleet. Then contention on one
// SQLite file: four restores at once from four fibers of one process (one connection, taken in
// turns), and from four separate processes (four connections, taking the file's write lock in
// turns), each on an instance of its own; a round is the four restores.
import { RestoreLedger } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, bench, describe } from "vitest"
import { LedgerSql } from "../src/index.js"
import * as PgTest from "../test/postgres.js"
import { bundle, start } from "../test/processes/processes.js"

const runtimeOf = (layer: Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError>) => ManagedRuntime.make(Layer.orDie(layer))

const memory = runtimeOf(RestoreLedger.layerMemory)
const sqlite = runtimeOf(LedgerSql.layerSqlite({ filename: path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-bench-")), "ledger.db") }))
const postgres = runtimeOf(
  Layer.unwrapEffect(Effect.map(PgTest.freshSchema("ledger_sql_bench"), ({ url }) => LedgerSql.layerPg({ url })))
)

const contended = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-bench-")), "ledger.db")
const sqliteShared = runtimeOf(LedgerSql.layerSqlite({ filename: contended }))
const processes = await Effect.runPromise(Scope.make())
const workers = await Effect.runPromise(Effect.gen(function*() {
  const worker = yield* Effect.promise(bundle)
  return yield* Effect.forEach(
    [0, 1, 2, 3],
    (n) => start(worker, { mode: "serve", filename: contended, holder: `bench-${n}`, instanceId: "", ttl: 60_000, wait: 0 }),
    { concurrency: "unbounded" }
  )
}).pipe(Scope.extend(processes)))

afterAll(async () => {
  await Promise.all([memory.dispose(), sqlite.dispose(), postgres.dispose(), sqliteShared.dispose()])
  await Effect.runPromise(Scope.close(processes, Exit.void))
})

let restores = 0

/** The ledger's part of one restore: lease, intent, outcome with its job claimed, release. */
const oneRestore = Effect.gen(function*() {
  const ledger = yield* RestoreLedger.RestoreLedger
  const n = ++restores
  const key = { endpoint: "https://dds.cn-north-4.myhuaweicloud.com", projectId: "p1", instanceId: `rs${n}` }
  const lease = yield* ledger.acquire(key, { holder: "bench", ttl: "1 minute", wait: "0 seconds" })
  const id = `s${n}`
  yield* ledger.record(lease, {
    id,
    key,
    holder: "bench",
    at: Date.now(),
    body: `{"restore_collections":[{"database":"shop","restore_database_time":"${Date.now() - 3_600_000}"}]}`,
    hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    searchFrom: Date.now() - 900_000,
    before: ["0d5c0e1f0a4b4c8e9f7a6b5c4d3e2f10"]
  })
  yield* ledger.settle(lease, id, RestoreLedger.Outcome.Submitted({ jobId: `job-${n}`, reconciled: false }))
  yield* ledger.release(lease)
})

describe("the ledger's cost per restore", () => {
  bench("memory", async () => {
    await memory.runPromise(oneRestore)
  })

  bench("SQLite file", async () => {
    await sqlite.runPromise(oneRestore)
  })

  bench("PostgreSQL over loopback", async () => {
    await postgres.runPromise(oneRestore)
  })
})

let rounds = 0

describe("four restores at once on one SQLite file", () => {
  bench("4 fibers of one process", async () => {
    await sqliteShared.runPromise(Effect.all([oneRestore, oneRestore, oneRestore, oneRestore], { concurrency: "unbounded" }))
  })

  bench("4 processes", async () => {
    const round = ++rounds
    await Effect.runPromise(Effect.forEach(workers, (worker, n) =>
      Effect.suspend(() => {
        worker.child.stdin?.write(`rs-${round}-${n}\n`)
        return worker.next
      }), { concurrency: "unbounded" }))
  })
})
