// The SQLite client under the ledger, with two connections to one real file standing for two
// processes: a write refused because the other one holds the file's write lock fails as busy and
// leaves the client usable, and what it writes afterwards is committed (libsql alone keeps a
// failed statement pending, and its later writes uncommitted, until garbage collection).
import * as Reactivity from "@effect/experimental/Reactivity"
import { describe, expect, it } from "@effect/vitest"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { codeOf } from "../src/internal/failure.js"
import * as Sqlite from "../src/internal/sqlite.js"

const scratch = mkdtempSync(path.join(tmpdir(), "dds-restore-sqlite-client-"))
let files = 0

/** Two clients (two connections) on a new file with one table. */
const twoClients = Effect.gen(function*() {
  const filename = path.join(scratch, `client-${++files}.db`)
  const first = yield* Sqlite.make(filename)
  const second = yield* Sqlite.make(filename)
  yield* first`PRAGMA journal_mode = WAL`
  yield* first`CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`
  return [first, second] as const
}).pipe(Effect.provide(Reactivity.layer))

/** Holds a write transaction on `sql` until `done` is completed. */
const holdWriteLock = (sql: SqlClient.SqlClient, done: Deferred.Deferred<void>) =>
  Effect.gen(function*() {
    const holding = yield* Deferred.make<void>()
    const fiber = yield* Effect.fork(sql.withTransaction(
      Effect.zipRight(sql`INSERT INTO t VALUES (${"held"}, ${1})`, Effect.zipRight(Deferred.succeed(holding, undefined), Deferred.await(done)))
    ))
    yield* Deferred.await(holding)
    return fiber
  })

const keys = (sql: SqlClient.SqlClient) =>
  Effect.map(sql<{ readonly k: string }>`SELECT k FROM t ORDER BY k`, (rows) => rows.map((row) => row.k))

describe("the SQLite client shared by a ledger's fibers", () => {
  it.scoped("a transaction refused because another connection writes fails as SQLITE_BUSY, and the client keeps working", () =>
    Effect.gen(function*() {
      const [first, second] = yield* twoClients
      const done = yield* Deferred.make<void>()
      const holder = yield* holdWriteLock(first, done)
      const refused = yield* Effect.either(second.withTransaction(second`INSERT INTO t VALUES (${"refused"}, ${2})`))
      expect(Either.isLeft(refused) && [refused.left._tag, codeOf(refused.left)]).toStrictEqual(["SqlError", "SQLITE_BUSY"])
      // Its connection is given back: a read goes through while the other still writes.
      expect(yield* keys(second)).toStrictEqual([])
      yield* Deferred.succeed(done, undefined)
      yield* Fiber.join(holder)
      yield* second.withTransaction(second`INSERT INTO t VALUES (${"after"}, ${3})`)
      expect(yield* keys(first)).toStrictEqual(["after", "held"])
    }))

  it.scoped("a single statement refused as busy leaves no pending statement: the next writes are committed for everyone", () =>
    Effect.gen(function*() {
      const [first, second] = yield* twoClients
      const done = yield* Deferred.make<void>()
      const holder = yield* holdWriteLock(first, done)
      const refused = yield* Effect.either(second`INSERT INTO t VALUES (${"refused"}, ${2}) RETURNING n`)
      expect(Either.isLeft(refused) && codeOf(refused.left)).toBe("SQLITE_BUSY")
      yield* Deferred.succeed(done, undefined)
      yield* Fiber.join(holder)
      // Without a fresh connection, this write would stay in an open transaction, unseen by the
      // other connection, holding the write lock.
      expect(yield* second<{ readonly n: number }>`INSERT INTO t VALUES (${"later"}, ${4}) RETURNING n`).toStrictEqual([{ n: 4 }])
      expect(yield* keys(first)).toStrictEqual(["held", "later"])
      yield* first.withTransaction(first`UPDATE t SET n = ${5} WHERE k = ${"later"}`)
      expect(yield* second<{ readonly n: number }>`SELECT n FROM t WHERE k = ${"later"}`).toStrictEqual([{ n: 5 }])
      // The new connection waits as briefly for a lock, and writes every commit to disk, as the first did.
      expect(yield* second`PRAGMA busy_timeout`).toStrictEqual([{ timeout: Sqlite.busyTimeout }])
      expect(yield* second`PRAGMA synchronous`).toStrictEqual([{ synchronous: 2 }])
    }))

  it.scoped("a transaction whose statement fails is rolled back, and the file's write lock is free again", () =>
    Effect.gen(function*() {
      const [first, second] = yield* twoClients
      yield* first`INSERT INTO t VALUES (${"a"}, ${1})`
      const failed = yield* Effect.either(first.withTransaction(
        Effect.zipRight(first`INSERT INTO t VALUES (${"b"}, ${2})`, first`INSERT INTO t VALUES (${"a"}, ${3})`)
      ))
      expect(Either.isLeft(failed) && codeOf(failed.left)).toBe("SQLITE_CONSTRAINT_PRIMARYKEY")
      yield* second.withTransaction(second`INSERT INTO t VALUES (${"c"}, ${4})`)
      expect(yield* keys(first)).toStrictEqual(["a", "c"])
    }))
})
