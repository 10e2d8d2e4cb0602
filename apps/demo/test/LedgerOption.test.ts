// `--ledger` and DDS_RESTORE_LEDGER as people give them: an SQLite file, or a postgres:// URL of a
// real PostgreSQL (the one the global setup started), its password never written anywhere; a
// ledger that cannot be used stops the command before anything is sent.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import Database from "libsql"
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "@dds-restore/ledger-sql"
import * as PgTest from "../../../packages/ledger-sql/test/postgres.js"
import { demoCredentials, demoInstance, run, serve } from "./support.js"

const DATABASE = "demo_ledger_option"

describe("--ledger", () => {
  it("a postgres:// URL: the ledger is made in that database, and named without its password", async () => {
    const { schema, url } = await Effect.runPromise(PgTest.freshSchema(DATABASE))
    const { host, password, port, user } = PgTest.server()
    const result = await run(["restore", "examples/collection-plan.json", "--instance", demoInstance, "--ledger", Redacted.value(url), "--json"])
    expect(result.code).toBe(0)
    expect(result.stderr.split("\n")[1]).toBe(`ledger: postgres://${user}@${host}:${port}/${DATABASE}`)
    expect(result.stdout + result.stderr).not.toContain(password)
    const tables = await Effect.runPromise(PgTest.withClient(DATABASE, (sql) =>
      sql<{ readonly name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY 1`))
    expect(tables.map((t) => t.name)).toStrictEqual([
      "dds_restore_claims",
      "dds_restore_leases",
      "dds_restore_ledger_migrations",
      "dds_restore_submissions"
    ])
  })

  it("DDS_RESTORE_LEDGER with a wrong password: exit 2 naming the ledger without any password, and nothing sent", async () => {
    const emulator = await serve(["--job-duration", "1s"])
    try {
      const { host, port, user } = PgTest.server()
      const wrong = "n0t-the-Passw0rd"
      const result = await run(
        ["restore", "examples/collection-plan.json", "--instance", demoInstance, "--endpoint", emulator.url, "--json"],
        demoCredentials({ DDS_RESTORE_LEDGER: `postgres://${user}:${wrong}@${host}:${port}/${DATABASE}` })
      )
      expect(result.code).toBe(2)
      const error = (JSON.parse(result.stdout) as { error: { tag: string; reason: string; ledger: string } }).error
      expect([error.tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", "Unopenable", `postgres://${user}@${host}:${port}/${DATABASE}`])
      expect(result.stdout + result.stderr).toContain(`password authentication failed for user "${user}"`)
      expect(result.stdout + result.stderr).not.toContain(wrong)
      const state = (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
    } finally {
      await emulator.stop()
    }
  })

  it("a postgres:// URL whose password holds an unencoded '/': refused naming only the scheme, the password nowhere", async () => {
    for (const args of [["--json"], []]) {
      const result = await run(["ledger", "--ledger", "postgres://u:pa/ss@127.0.0.1:1/x", ...args])
      expect(result.code).toBe(2)
      expect(result.stdout + result.stderr).toContain("a postgres:// URL")
      expect(result.stdout + result.stderr).toContain("Percent-encode '/', '#', '?', '@' and '%' in the password")
      expect(result.stdout + result.stderr).not.toContain("pa/ss")
      expect(result.stdout + result.stderr).not.toContain("ss@")
      expect(result.stdout + result.stderr).not.toContain("127.0.0.1")
    }
  })

  it("a file path: the SQLite ledger is created with its folders", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-")), "a", "b", "ledger.db")
    const result = await run(["restore", "examples/collection-plan.json", "--instance", demoInstance, "--ledger", file, "--json"])
    expect(result.code).toBe(0)
    expect(result.stderr.split("\n")[1]).toBe(`ledger: ${file}`)
    expect(existsSync(file)).toBe(true)
  })

  // A ledger file that cannot be used, given to a restore against the emulator: exit 2, the
  // reason on standard error and in the JSON document, the file left as it was, and nothing sent.
  const refused = async (file: string, reason: string, detail: string) => {
    const before = readFileSync(file)
    const emulator = await serve(["--job-duration", "1s"])
    try {
      const args = ["restore", "examples/collection-plan.json", "--instance", demoInstance, "--endpoint", emulator.url, "--ledger", file]
      const text = await run(args, demoCredentials())
      expect(text.code).toBe(2)
      expect(text.stderr.split("\n").slice(1)).toStrictEqual([
        `ledger: ${file}`,
        `error: The restore ledger ${file} cannot be used (${reason}): ${detail}`,
        ""
      ])
      const json = await run([...args, "--json"], demoCredentials())
      expect(json.code).toBe(2)
      const error = (JSON.parse(json.stdout) as { error: { tag: string; reason: string; ledger: string; message: string } }).error
      expect([error.tag, error.reason, error.ledger]).toStrictEqual(["LedgerError", reason, file])
      expect(error.message).toContain(detail)
      const state = (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
      expect(readFileSync(file).equals(before)).toBe(true)
    } finally {
      await emulator.stop()
    }
  }

  it("a file of random bytes: exit 2 as NotALedger, and nothing sent", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-")), "random.db")
    writeFileSync(file, randomBytes(16_384))
    await refused(
      file,
      "NotALedger",
      "opening it: the file is not an SQLite database (file is not a database). " +
        "Give the path of a ledger, or of a file that does not exist yet (--ledger PATH or DDS_RESTORE_LEDGER)."
    )
  }, 60_000)

  it("a ledger of a newer schema than this version knows: exit 2 as NewerSchema, and nothing sent", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-")), "newer.db")
    expect((await run(["ledger", "--ledger", file])).code).toBe(0)
    const db = new Database(file)
    try {
      db.exec(`INSERT INTO dds_restore_ledger_migrations (migration_id, name) VALUES (${LedgerSql.schemaVersion + 1}, 'from_the_future')`)
    } finally {
      db.close()
    }
    await refused(
      file,
      "NewerSchema",
      `it was written by a newer version of dds-restore (schema ${LedgerSql.schemaVersion + 1}; this version knows up to ${LedgerSql.schemaVersion}). ` +
        "It was left as it is: upgrade @dds-restore/ledger-sql (the dds-restore command line), or give another ledger."
    )
  }, 60_000)
})
