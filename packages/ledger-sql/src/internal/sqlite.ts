// An @effect/sql client over a libsql connection to an SQLite file, made for a file that several
// processes write. Not @effect/sql-libsql (0.42), which hangs there: when its BEGIN is refused
// with SQLITE_BUSY (another process is writing), the permit of its connection is never given
// back and every later statement of the process waits forever; each of its transactions leaves a
// connection open; and a COMMIT refused as busy dies with the write lock still held. Here the
// process's fibers take turns on one connection (a permit held for a whole statement or a whole
// transaction), a transaction begins IMMEDIATE (it takes the write lock first, or fails before
// doing anything), a refused BEGIN gives the permit back and fails with the driver's
// SQLITE_BUSY, and a COMMIT that fails is rolled back: the caller may try again.
//
// libsql itself (0.4 and 0.5 alike) leaves a statement that failed un-reset until the garbage
// collector finalizes it, and while it is pending the connection's statements never commit (their
// writes, and the write lock, stay in an open transaction that is later rolled back) and its
// COMMIT fails ("SQL statements in progress"). So a connection on which a statement failed is
// closed once the statement (or the transaction) is over, and the next one opens a new connection.
import type * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlConnection from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import Database from "libsql"

/**
 * How long SQLite itself waits for another process's write lock before a statement is refused as
 * busy (ms). It waits synchronously, blocking this process's event loop, so it is kept short:
 * longer waits are the caller's, asynchronous and bounded (the ledger's busy retry).
 */
export const busyTimeout = 50

const attempt = <A>(message: string, run: () => A): Effect.Effect<A, SqlError> =>
  Effect.try({ try: run, catch: (cause) => new SqlError({ cause, message }) })

/** Opens (creating it when missing) an SQLite file as a SqlClient, closed with the scope. */
export const make = (filename: string): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const connect = (): Database.Database => {
      const db = new Database(filename)
      try {
        db.exec(`PRAGMA busy_timeout = ${busyTimeout}`)
        // Every commit on disk before it returns, also in WAL mode (where NORMAL is common): an
        // intent journaled just before a restore is sent must survive a power cut.
        db.exec("PRAGMA synchronous = FULL")
      } catch (error) {
        db.close()
        throw error
      }
      return db
    }
    let db: Database.Database | undefined = yield* attempt("Failed to open the database", connect)
    // Set when a statement failed: the connection is replaced before the next statement.
    let failed = false
    const close = () => {
      db?.close()
      db = undefined
      failed = false
    }
    yield* Effect.addFinalizer(() => Effect.sync(close))

    const statement = <A>(message: string, run: (db: Database.Database) => A): Effect.Effect<A, SqlError> =>
      Effect.try({
        try: () => run(db ??= connect()),
        catch: (cause) => {
          failed = true
          return new SqlError({ cause, message })
        }
      })

    const rows = (sql: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<object>, SqlError> =>
      statement("Failed to execute statement", (db) => {
        // Always one array: libsql reads a lone object argument (even null) as named parameters.
        const prepared = db.prepare(sql)
        if (prepared.reader) return prepared.all([...params]) as ReadonlyArray<object>
        prepared.run([...params])
        return []
      })

    const connection: SqlConnection.Connection = {
      execute: (sql, params, transformRows) => transformRows === undefined ? rows(sql, params) : Effect.map(rows(sql, params), transformRows),
      executeRaw: (sql, params) => rows(sql, params),
      executeValues: (sql, params) =>
        statement("Failed to execute statement", (db) => db.prepare(sql).raw(true).all([...params]) as ReadonlyArray<ReadonlyArray<unknown>>),
      executeUnprepared: (sql, params, transformRows) => {
        // The transaction's end, as @effect/sql sends it: a ROLLBACK after a BEGIN that was refused
        // has nothing to undo, and a COMMIT that failed is undone before its error is told.
        if (sql === "ROLLBACK" && db?.inTransaction !== true) return Effect.succeed([])
        if (sql === "COMMIT") {
          return Effect.tapError(rows(sql, params), () =>
            Effect.sync(() => {
              try {
                if (db?.inTransaction === true) db.exec("ROLLBACK")
              } catch {
                // The connection is closed next (the statement failed), which ends the transaction too.
              }
            }))
        }
        return connection.execute(sql, params, transformRows)
      },
      executeStream: (sql, params, transformRows) => Stream.fromIterableEffect(connection.execute(sql, params, transformRows))
    }

    // One statement, or one transaction, at a time on the connection: the permit is held until the
    // scope of the statement (or of the transaction) closes, whatever its end; a connection on
    // which something failed is closed then.
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer: SqlConnection.Connection.Acquirer = Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(
        restore(semaphore.take(1)),
        Effect.as(
          Effect.addFinalizer(() => Effect.zipRight(Effect.sync(() => failed && close()), semaphore.release(1))),
          connection
        )
      )
    )

    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE"
    })
  })
