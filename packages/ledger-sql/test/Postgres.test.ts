// The ledger suite against a real PostgreSQL server (started by the global setup), then what only
// PostgreSQL adds: a URL read from the configuration with its password kept out of every message,
// the lease row locked by every write, a runner cut off from the database while it holds a lease,
// and one pool of connections shared by many fibers.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Net from "node:net"
import { LedgerSql } from "../src/index.js"
import * as PgTest from "./postgres.js"
import { ledgerSuite } from "./suite.js"

const DATABASE = "ledger_sql_pg"

ledgerSuite("PostgreSQL", () =>
  Layer.unwrapEffect(Effect.map(PgTest.freshSchema(DATABASE), ({ url }) => LedgerSql.layerPg({ url }))))

const key = (instanceId: string): RestoreLedger.InstanceKey => ({ endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId })

const intent = (id: string, of: RestoreLedger.InstanceKey, holder: string): RestoreLedger.Intent => ({
  id,
  key: of,
  holder,
  at: Date.now(),
  body: "{}",
  hash: "h",
  searchFrom: Date.now() - 60_000,
  before: []
})

/** Uses a ledger, built from its layer for this use only (its pool closed afterwards). */
const withLedger = <A, E, L>(
  layer: Layer.Layer<RestoreLedger.RestoreLedger, L>,
  use: (ledger: RestoreLedger.Service) => Effect.Effect<A, E>
) => Effect.flatMap(RestoreLedger.RestoreLedger, use).pipe(Effect.provide(layer))

const fresh = (options: Omit<LedgerSql.PgOptions, "url"> = {}) =>
  Effect.map(PgTest.freshSchema(DATABASE), ({ schema, url }) => ({ schema, url, layer: LedgerSql.layerPg({ url, ...options }) }))

describe("a PostgreSQL ledger: where it is", () => {
  it.live("DDS_RESTORE_LEDGER names it with a postgres:// URL; errors name it without the password", () =>
    Effect.gen(function*() {
      const { password } = PgTest.server()
      const { url } = yield* fresh()
      const configured = LedgerSql.layerConfig().pipe(
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["DDS_RESTORE_LEDGER", Redacted.value(url)]]))))
      )
      expect(yield* withLedger(configured, (ledger) => ledger.recent(5))).toStrictEqual([])

      const { host, port, user } = PgTest.server()
      const wrong = Redacted.make(`postgres://${user}:not-the-${password}@${host}:${port}/${DATABASE}`)
      const refused = yield* Effect.flip(withLedger(LedgerSql.layerLocation(wrong), (ledger) => ledger.recent(1)))
      expect([refused._tag, refused.reason, refused.ledger]).toStrictEqual([
        "LedgerError",
        "Unopenable",
        `postgres://${user}@${host}:${port}/${DATABASE}`
      ])
      expect(refused.detail).toContain(`password authentication failed for user "${user}"`)
      expect(refused.detail).toContain("Check the URL's host, port, user, password and database")
      for (const text of [refused.message, JSON.stringify(refused), String(refused)]) {
        expect(text).not.toContain(password)
      }

      const closed = yield* Effect.flip(withLedger(
        LedgerSql.layerLocation(`postgresql://${user}:${password}@127.0.0.1:1/${DATABASE}`),
        (ledger) => ledger.recent(1)
      ))
      expect([closed.reason, closed.ledger]).toStrictEqual(["Unopenable", `postgresql://${user}@127.0.0.1:1/${DATABASE}`])
      expect(closed.detail).toContain("ECONNREFUSED")
      expect(closed.message).not.toContain(password)
    }))

  it.live("a URL that cannot be read is refused without being repeated", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(withLedger(LedgerSql.layerLocation("postgres://admin:s3cr3t-pw@"), (ledger) => ledger.recent(1)))
      expect([error.reason, error.ledger]).toStrictEqual(["Unopenable", "a postgres:// URL"])
      expect(error.message).toContain("Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE")
      expect(error.message).not.toContain("s3cr3t")
    }))
})

describe("a PostgreSQL ledger: the lease", () => {
  // Why a row and not an advisory lock: an advisory lock belongs to one connection, so a held lease
  // would pin a connection of the pool for the whole submission and vanish silently with it; a row
  // with a time to live and a fencing token is shared by the pool, outlives a short cut, and is
  // what the SQLite ledger does too. Every write locks that row first, as this test shows.
  it.live("a write under a lease holds the lease's row: a takeover waits for it to commit, then the old token is refused", () =>
    Effect.gen(function*() {
      const { schema, url, layer } = yield* fresh({ pollInterval: "20 millis" })
      const k = key("rs-locked")
      yield* withLedger(layer, (ledger) =>
        Effect.gen(function*() {
          const lease = yield* ledger.acquire(k, { holder: "a", ttl: "300 millis", wait: "0 seconds" })
          yield* ledger.record(lease, intent("s1", k, "a"))
          // A slow write of holder a: the row is locked, as the ledger's fenced writes lock it, and
          // the transaction stays open past the lease's time to live.
          const locked = yield* Deferred.make<void>()
          const finish = yield* Deferred.make<void>()
          const slowWrite = yield* PgTest.withClient(DATABASE, (sql) =>
            sql.withTransaction(Effect.gen(function*() {
              yield* sql.unsafe(`UPDATE ${schema}.dds_restore_leases SET token = token WHERE instance_id = 'rs-locked' AND token = ${lease.token}`)
              yield* Deferred.succeed(locked, undefined)
              yield* Deferred.await(finish)
              yield* sql.unsafe(`UPDATE ${schema}.dds_restore_submissions SET state = 'Sent', lost_answer = 'slow' WHERE id = 's1'`)
            }))).pipe(Effect.fork)
          yield* Deferred.await(locked)
          yield* Effect.sleep("500 millis")
          const takeover = yield* ledger.acquire(k, { holder: "b", ttl: "1 minute", wait: "10 seconds" }).pipe(Effect.fork)
          yield* Effect.sleep("300 millis")
          // b cannot have the lease while a's write is open, though a's time to live ran out.
          expect(takeover.unsafePoll()).toBeNull()
          yield* Deferred.succeed(finish, undefined)
          yield* Fiber.join(slowWrite)
          const next = yield* Fiber.join(takeover)
          expect([next.holder, next.token]).toStrictEqual(["b", lease.token + 1])
          // a's write committed before b took over; a's next one is refused.
          expect((yield* ledger.unsettled(k)).map((e) => [e.id, e.state])).toStrictEqual([["s1", "Sent"]])
          const refused = yield* Effect.flip(ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true })))
          expect(refused).toStrictEqual(new RestoreLedger.LeaseLost({ instanceId: "rs-locked", token: lease.token, current: next.token }))
        }))
      expect(Redacted.value(url)).toContain(schema)
    }))

  it.live("two runners (two pools) on one instance: one holder at a time, every token once, in order", () =>
    Effect.gen(function*() {
      const { url } = yield* fresh()
      const k = key("rs-shared")
      let inside = 0
      let most = 0
      const tokens: Array<number> = []
      const runner = (name: string) =>
        withLedger(LedgerSql.layerPg({ url, pollInterval: "10 millis", maxConnections: 3 }), (ledger) =>
          Effect.forEach(Array.from({ length: 10 }, (_, i) => `${name}-${i}`), (holder) =>
            Effect.gen(function*() {
              const lease = yield* ledger.acquire(k, { holder, ttl: "30 seconds", wait: "30 seconds" })
              inside += 1
              most = Math.max(most, inside)
              tokens.push(lease.token)
              yield* ledger.record(lease, intent(holder, k, holder))
              yield* Effect.sleep("5 millis")
              yield* ledger.settle(lease, holder, RestoreLedger.Outcome.Submitted({ jobId: `job-${holder}`, reconciled: false }))
              inside -= 1
              yield* ledger.release(lease)
            }), { concurrency: 5, discard: true }))
      yield* Effect.all([runner("a"), runner("b")], { concurrency: 2, discard: true })
      expect(most).toBe(1)
      expect(tokens).toStrictEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    }))
})

/** A TCP proxy to the server that can be cut: open connections reset, new ones refused, until healed. */
const cuttableProxy = (target: { readonly host: string; readonly port: number }) =>
  Effect.acquireRelease(
    Effect.async<{ readonly port: number; readonly cut: () => void; readonly heal: () => void; readonly close: () => void }>((resume) => {
      let open = true
      const sockets = new Set<Net.Socket>()
      const server = Net.createServer((client) => {
        if (!open) return client.resetAndDestroy()
        const upstream = Net.connect(target.port, target.host)
        sockets.add(client)
        sockets.add(upstream)
        const drop = () => {
          client.destroy()
          upstream.destroy()
          sockets.delete(client)
          sockets.delete(upstream)
        }
        client.on("error", drop).on("close", drop)
        upstream.on("error", drop).on("close", drop)
        client.pipe(upstream).pipe(client)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as Net.AddressInfo
        resume(Effect.succeed({
          port: address.port,
          cut: () => {
            open = false
            for (const socket of sockets) socket.resetAndDestroy()
            sockets.clear()
          },
          heal: () => {
            open = true
          },
          close: () => {
            open = false
            for (const socket of sockets) socket.destroy()
            server.close()
          }
        }))
      })
    }),
    (proxy) => Effect.sync(() => proxy.close())
  )

describe("a PostgreSQL ledger: connection loss", () => {
  it.live("a holder cut off past its time to live has lost its lease: it learns so, and its outcome is refused", () =>
    Effect.gen(function*() {
      const { schema } = yield* fresh()
      const { host, password, port, user } = PgTest.server()
      const proxy = yield* cuttableProxy({ host, port })
      const through = Redacted.make(
        `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}/${DATABASE}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
      )
      const direct = PgTest.url(DATABASE, `-c search_path=${schema}`)
      const k = key("rs-cut")
      yield* withLedger(LedgerSql.layerPg({ url: through, connectTimeout: "2 seconds" }), (cutOff) =>
        withLedger(LedgerSql.layerPg({ url: direct }), (other) =>
          Effect.gen(function*() {
            const lease = yield* cutOff.acquire(k, { holder: "cut-off", ttl: "1 second", wait: "0 seconds" })
            yield* cutOff.record(lease, intent("s1", k, "cut-off"))
            proxy.cut()
            // While cut off, its renewals fail: the holder knows it may not hold the lease any more.
            const unreachable = yield* Effect.flip(cutOff.renew(lease, "1 second"))
            expect([unreachable._tag, unreachable._tag === "LedgerError" ? unreachable.reason : undefined]).toStrictEqual(["LedgerError", "Failed"])
            expect(unreachable.message).not.toContain(password)
            yield* Effect.sleep("1100 millis")
            const next = yield* other.acquire(k, { holder: "other", ttl: "1 minute", wait: "0 seconds" })
            expect(next.token).toBe(lease.token + 1)
            proxy.heal()
            // Back on line, the old holder learns that its lease is gone, and cannot write its outcome.
            const lost = new RestoreLedger.LeaseLost({ instanceId: "rs-cut", token: lease.token, current: next.token })
            expect(yield* Effect.flip(cutOff.renew(lease, "1 second"))).toStrictEqual(lost)
            expect(yield* Effect.flip(cutOff.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true }))))
              .toStrictEqual(lost)
            // Its submission is still unsettled, for recovery, and the job is nobody's.
            expect((yield* other.unsettled(k)).map((e) => [e.id, e.state])).toStrictEqual([["s1", "Intent"]])
            expect(yield* other.claims(k, ["j1"])).toStrictEqual(new Map())
          })))
    }).pipe(Effect.scoped))
})

describe("a PostgreSQL ledger: one pool for many fibers", () => {
  it.live("200 submissions on 20 instances from 50 fibers over a pool of 4 connections: each settled once, the pool never over 4", () =>
    Effect.gen(function*() {
      const { schema, layer } = yield* fresh({ maxConnections: 4, pollInterval: "10 millis" })
      const connections = (sql: SqlClient.SqlClient) =>
        Effect.map(
          sql<{ readonly n: number | string }>`SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = ${DATABASE} AND application_name = 'dds-restore' AND query NOT ILIKE '%pg_stat_activity%'`,
          ([row]) => Number(row?.n ?? 0)
        )
      let most = 0
      yield* withLedger(layer, (ledger) =>
        Effect.gen(function*() {
          const watcher = yield* PgTest.withClient(DATABASE, (sql) =>
            Effect.forever(Effect.flatMap(connections(sql), (n) => Effect.sync(() => (most = Math.max(most, n)))).pipe(Effect.zipLeft(Effect.sleep("5 millis"))))
          ).pipe(Effect.fork)
          const ids = Array.from({ length: 200 }, (_, i) => i)
          yield* Effect.forEach(ids, (i) =>
            Effect.gen(function*() {
              const k = key(`rs${i % 20}`)
              const lease = yield* ledger.acquire(k, { holder: `f${i}`, ttl: "1 minute", wait: "1 minute" })
              yield* ledger.record(lease, intent(`s${i}`, k, `f${i}`))
              yield* ledger.settle(lease, `s${i}`, RestoreLedger.Outcome.Submitted({ jobId: `j${i}`, reconciled: false }))
              yield* ledger.release(lease)
            }), { concurrency: 50, discard: true })
          yield* Fiber.interrupt(watcher)
          expect(yield* ledger.unsettled()).toStrictEqual([])
          const claims = yield* ledger.claims(key("any"), ids.map((i) => `j${i}`))
          expect(claims.size).toBe(200)
          expect([...claims].every(([job, submission]) => job.slice(1) === submission.slice(1))).toBe(true)
        }))
      expect(most).toBeGreaterThan(0)
      expect(most).toBeLessThanOrEqual(4)
      const tokens = yield* PgTest.withClient(DATABASE, (sql) =>
        sql.unsafe<{ readonly token: string }>(`SELECT token FROM ${schema}.dds_restore_leases ORDER BY instance_id`))
      expect(tokens.map((row) => Number(row.token))).toStrictEqual(Array.from({ length: 20 }, () => 10))
    }))
})
