// A PostgreSQL ledger whose pool is kept busy for a moment (a runner with many fibers on a loaded
// machine): a statement that gets no connection within the connect timeout is tried again, up to
// three times, instead of failing the restore it belongs to; past that it fails saying what was
// waited for and what to check, without the password. The pool's one connection is held by a
// fenced write that waits for a row lock another session holds, on the real server. The migration
// run when a ledger is opened is tried again the same way: its connection is held by a reservation.
import { RestoreLedger } from "@dds-restore/client"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Net from "node:net"
import { LedgerSql } from "../src/index.js"
import { classify, isConnectTimeout } from "../src/internal/failure.js"
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

/**
 * The migration of a new schema over a pool of one connection (`connectTimeout`), that connection
 * reserved elsewhere for `holdFor` while the migration waits for it; then the migrations applied.
 */
const migrateHeld = (holdFor: Duration.DurationInput, connectTimeout: Duration.DurationInput) =>
  Effect.scoped(Effect.gen(function*() {
    const { schema, url } = yield* PgTest.freshSchema(DATABASE)
    const sql: SqlClient.SqlClient = yield* PgClient.make({ url, maxConnections: 1, connectTimeout }).pipe(
      Effect.provide(Reactivity.layer),
      Effect.orDie
    )
    const held = yield* Deferred.make<void>()
    const holder = yield* Effect.fork(Effect.scoped(Effect.gen(function*() {
      yield* sql.reserve
      yield* Deferred.succeed(held, undefined)
      yield* Effect.sleep(holdFor)
    })).pipe(Effect.orDie))
    yield* Deferred.await(held)
    const result = yield* Effect.exit(LedgerSql.migrate(LedgerSql.pgName(url)).pipe(Effect.provideService(SqlClient.SqlClient, sql)))
    yield* Fiber.join(holder)
    const applied = yield* PgTest.withClient(DATABASE, (client) =>
      client.unsafe<{ readonly name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY table_name`
      )).pipe(Effect.orDie)
    return { result, tables: applied.map((row) => row.name), url }
  }))

describe("a PostgreSQL ledger: its migration waiting for a busy pool", () => {
  it.live("its one connection reserved for 400 ms, the migration waiting past the 250 ms connect timeout is tried again and makes the schema", () =>
    Effect.gen(function*() {
      const { result, tables } = yield* migrateHeld("400 millis", "250 millis")
      expect(result).toStrictEqual(Exit.void)
      expect(tables).toStrictEqual(["dds_restore_claims", "dds_restore_leases", "dds_restore_ledger_migrations", "dds_restore_submissions"])
    }), 60_000)

  it.live("reserved for 3 s, past three connect timeouts of 150 ms: the migration fails saying so, without the password; nothing made", () =>
    Effect.gen(function*() {
      const { password } = PgTest.server()
      const { result, tables, url } = yield* migrateHeld("3 seconds", "150 millis")
      const error = Exit.isFailure(result) ? Option.getOrUndefined(Cause.failureOption(result.cause)) : undefined
      expect([error?._tag, error?.reason, error?.ledger]).toStrictEqual(["LedgerError", "Failed", LedgerSql.pgName(url)])
      expect(error?.detail).toContain(
        "reading its schema: no connection to the PostgreSQL server within the connect timeout, 3 times (timeout exceeded when trying to connect)"
      )
      expect(error?.message).not.toContain(password)
      expect(tables).toStrictEqual([])
    }), 60_000)
})

/**
 * A server on the loopback that accepts connections and never answers (a host that is slow to
 * accept, or not a PostgreSQL server at all), counting the connections it got, for the scope.
 */
const silentServer = Effect.acquireRelease(
  Effect.async<{ readonly port: number; readonly connections: () => number; readonly close: () => void }>((resume) => {
    const sockets: Array<Net.Socket> = []
    const server = Net.createServer((socket) => {
      sockets.push(socket)
      socket.on("error", () => {})
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed({
        port: typeof address === "object" && address !== null ? address.port : 0,
        connections: () => sockets.length,
        close: () => {
          server.close()
          for (const socket of sockets) socket.destroy()
        }
      }))
    })
  }),
  ({ close }) => Effect.sync(close)
)

describe("a PostgreSQL ledger: its pool's first connection", () => {
  it.live("to a server that never answers, with a connect timeout of 150 ms: tried 3 times, then it fails saying so, without the password", () =>
    Effect.scoped(Effect.gen(function*() {
      const { connections, port } = yield* silentServer
      const url = Redacted.make(`postgres://restorer:s3cret-pw@127.0.0.1:${port}/restores`)
      const error = yield* Effect.flip(
        Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.recent(1)).pipe(
          Effect.provide(LedgerSql.layerPg({ url, connectTimeout: "150 millis" }))
        )
      )
      expect([error._tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", "Failed", `postgres://restorer@127.0.0.1:${port}/restores`])
      expect(error.detail).toMatch(
        /^connecting to it: no connection to the PostgreSQL server within the connect timeout, 3 times \((Connection timed out|Connection terminated due to connection timeout)\)\. /
      )
      expect(error.detail).toContain("and that the URL's host and port are the server's.")
      expect(error.message).not.toContain("s3cret-pw")
      expect(connections()).toBe(3)
    })), 60_000)
})

describe("a connect timeout, told apart from a lost connection", () => {
  it("a new connection not made in time, as pg-pool 3.14 reports it (its own timeout error around the client's): a connect timeout", () => {
    const error = new SqlError({
      message: "Failed to acquire connection",
      cause: new Error("Connection terminated due to connection timeout", { cause: new Error("Connection terminated unexpectedly") })
    })
    expect(isConnectTimeout(error)).toBe(true)
    const told = classify("postgres://restorer@db:5432/restores", "reading the journal", error)
    expect([told.reason, told.detail.slice(0, told.detail.indexOf(". "))]).toStrictEqual([
      "Failed",
      "reading the journal: no connection to the PostgreSQL server within the connect timeout, 3 times (Connection terminated due to connection timeout)"
    ])
  })

  it("a connection that ended while in use: lost, not a connect timeout", () => {
    const error = new SqlError({ message: "Failed to execute statement", cause: new Error("Connection terminated unexpectedly") })
    expect(isConnectTimeout(error)).toBe(false)
    expect(classify("postgres://restorer@db:5432/restores", "reading the journal", error).detail).toContain(
      "reading the journal: the connection to the PostgreSQL server was lost (Connection terminated unexpectedly)."
    )
  })
})
