// The ledger suite against SQLite files, then what only a file can get wrong: its folder, a file
// that is not a ledger, one written by a newer version, reopening it.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import Database from "libsql"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import { withDriver } from "./driver.js"
import { ledgerSuite } from "./suite.js"

const scratch = mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-"))
let files = 0
const freshFile = () => path.join(scratch, `ledger-${++files}`, "ledger.db")

ledgerSuite("SQLite", () => LedgerSql.layerSqlite({ filename: freshFile() }))

const open = (filename: string) =>
  Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.recent(10)).pipe(
    Effect.provide(LedgerSql.layerSqlite({ filename })),
    Effect.scoped
  )

const key: RestoreLedger.InstanceKey = { endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId: "rs0" }

describe("an SQLite ledger file", () => {
  it.effect("is created with its folders on first use, and keeps its journal when opened again", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "nested", "deeper", "ledger.db")
      yield* Effect.gen(function*() {
        const ledger = yield* RestoreLedger.RestoreLedger
        const lease = yield* ledger.acquire(key, { holder: "a", ttl: "1 minute", wait: "0 seconds" })
        yield* ledger.record(lease, {
          id: "s1",
          key,
          holder: "a",
          at: 1,
          body: "{}",
          hash: "h",
          searchFrom: 0,
          before: ["j0"]
        })
        yield* ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))
      }).pipe(Effect.provide(LedgerSql.layerSqlite({ filename })))
      expect(existsSync(filename)).toBe(true)
      const again = yield* open(filename)
      expect(again.map((entry) => [entry.id, entry.state, entry.before])).toStrictEqual([["s1", "Submitted", ["j0"]]])
    }))

  it.effect("a file that is not a database is refused as NotALedger and left as it was", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "notes.txt")
      writeFileSync(filename, "restore notes, not a database\n".repeat(200))
      const error = yield* Effect.flip(open(filename))
      expect([error._tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", "NotALedger", filename])
      expect(error.message).toContain("Give the path of a ledger, or of a file that does not exist yet")
      expect(readFileSync(filename, "utf8")).toBe("restore notes, not a database\n".repeat(200))
    }))

  it.effect("a database of something else is refused as NotALedger, naming its tables, and not migrated", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "other.db")
      yield* withDriver(filename, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
      const error = yield* Effect.flip(open(filename))
      expect([error.reason, error.detail]).toStrictEqual([
        "NotALedger",
        "the database holds other tables (invoices) and no restore ledger. It was left as it is: give the path of a ledger, or of a file that does not exist yet."
      ])
    }))

  it.effect("a ledger of schema 1 (the version before) gets the index of unsettled submissions when opened, its journal kept", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "schema-1.db")
      yield* Effect.gen(function*() {
        const ledger = yield* RestoreLedger.RestoreLedger
        const lease = yield* ledger.acquire(key, { holder: "a", ttl: "1 minute", wait: "0 seconds" })
        yield* ledger.record(lease, { id: "s1", key, holder: "a", at: 1, body: "{}", hash: "h", searchFrom: 0, before: [] })
      }).pipe(Effect.provide(LedgerSql.layerSqlite({ filename })), Effect.scoped)
      // As the version before left it: no index of unsettled submissions, migrations up to 1.
      yield* withDriver(filename, "DROP INDEX dds_restore_submissions_unsettled; DELETE FROM dds_restore_ledger_migrations WHERE migration_id = 2")
      const unsettled = yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.unsettled({ endpoint: key.endpoint, projectId: "p1" })).pipe(
        Effect.provide(LedgerSql.layerSqlite({ filename })),
        Effect.scoped
      )
      expect(unsettled.map((entry) => [entry.id, entry.state])).toStrictEqual([["s1", "Intent"]])
      const db = new Database(filename)
      try {
        expect(db.prepare("SELECT migration_id, name FROM dds_restore_ledger_migrations ORDER BY migration_id").all()).toStrictEqual([
          { migration_id: 1, name: "create_ledger" },
          { migration_id: 2, name: "index_unsettled" }
        ])
        expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'dds_restore_submissions_unsettled'").all())
          .toStrictEqual([{ name: "dds_restore_submissions_unsettled" }])
      } finally {
        db.close()
      }
    }))

  it.effect("a ledger written by a newer version is refused as NewerSchema, and not rewritten", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "newer.db")
      yield* open(filename)
      yield* withDriver(
        filename,
        `INSERT INTO dds_restore_ledger_migrations (migration_id, name) VALUES (${LedgerSql.schemaVersion + 1}, 'from_the_future')`
      )
      const before = readFileSync(filename)
      const error = yield* Effect.flip(open(filename))
      expect([error.reason, error.detail]).toStrictEqual([
        "NewerSchema",
        `it was written by a newer version of dds-restore (schema ${LedgerSql.schemaVersion + 1}; this version knows up to ${LedgerSql.schemaVersion}). ` +
        "It was left as it is: upgrade @dds-restore/ledger-sql (the dds-restore command line), or give another ledger."
      ])
      expect(readFileSync(filename).equals(before)).toBe(true)
    }))

  it.effect("a ledger whose b-tree pages were overwritten is refused as Corrupt, naming the file and saying what to do", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "corrupt", "ledger.db")
      yield* Effect.gen(function*() {
        const ledger = yield* RestoreLedger.RestoreLedger
        const lease = yield* ledger.acquire(key, { holder: "a", ttl: "1 minute", wait: "0 seconds" })
        for (let i = 0; i < 40; i++) {
          yield* ledger.record(lease, {
            id: `s${i}`,
            key,
            holder: "a",
            at: i,
            body: JSON.stringify({ restore_time: i, filler: "x".repeat(400) }),
            hash: `h${i}`,
            searchFrom: 0,
            before: [`j${i}`]
          })
        }
      }).pipe(Effect.provide(LedgerSql.layerSqlite({ filename })), Effect.scoped)
      // Its journal moved from the WAL file into the database file, as the last connection does.
      yield* withDriver(filename, "PRAGMA wal_checkpoint(TRUNCATE)")
      expect(statSync(`${filename}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0)
      const bytes = readFileSync(filename)
      const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16)
      // Every page after the first two (sqlite_schema's and the next) filled with 0xff: no valid
      // b-tree page type, so reading any table rooted there is SQLITE_CORRUPT, whatever the layout.
      expect(bytes.length / pageSize).toBeGreaterThan(4)
      bytes.fill(0xff, 2 * pageSize)
      writeFileSync(filename, bytes)
      const error = yield* Effect.flip(open(filename))
      expect([error._tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", "Corrupt", filename])
      expect(error.message).toContain(filename)
      expect(error.detail).toContain("the database is corrupt (database disk image is malformed). ")
      expect(error.detail).toContain("Move the file aside (its journal is lost) and run again to start a new ledger, or put back a copy.")
    }))

  it.effect("a path that cannot be created or opened is refused as Unopenable, saying what to check", () =>
    Effect.gen(function*() {
      const folder = path.join(scratch, "a-folder.db")
      mkdirSync(folder, { recursive: true })
      const error = yield* Effect.flip(open(folder))
      expect([error.reason, error.ledger]).toStrictEqual(["Unopenable", folder])
      expect(error.detail).toContain("Check that its folder can be created and written by this user")
      const underFile = path.join(scratch, "notes.txt", "ledger.db")
      writeFileSync(path.join(scratch, "notes.txt"), "x")
      const nested = yield* Effect.flip(open(underFile))
      expect([nested.reason, nested.ledger]).toStrictEqual(["Unopenable", underFile])
    }))

  it.live("a file another program keeps locked is given up on after 10 seconds as Locked, nothing written, and usable once freed", () =>
    Effect.gen(function*() {
      const filename = path.join(scratch, "locked", "ledger.db")
      yield* open(filename)
      const other = new Database(filename)
      other.exec("BEGIN IMMEDIATE")
      const ledger = LedgerSql.layerSqlite({ filename })
      const locked = yield* Effect.flip(
        Effect.flatMap(RestoreLedger.RestoreLedger, (l) => l.acquire(key, { holder: "a", ttl: "1 minute", wait: "0 seconds" })).pipe(
          Effect.provide(ledger)
        )
      )
      expect(locked).toStrictEqual(
        new RestoreLedger.LedgerError({
          ledger: filename,
          reason: "Locked",
          detail: "taking the lease of an instance: the database stayed locked by another process (database is locked). " +
            "Try again in a moment; if it lasts, find the process that holds the file open (fuser or lsof on it)."
        })
      )
      other.exec("ROLLBACK")
      other.close()
      const lease = yield* Effect.flatMap(RestoreLedger.RestoreLedger, (l) => l.acquire(key, { holder: "b", ttl: "1 minute", wait: "0 seconds" })).pipe(
        Effect.provide(ledger)
      )
      expect([lease.holder, lease.token]).toStrictEqual(["b", 1])
    }), 60_000)
})
