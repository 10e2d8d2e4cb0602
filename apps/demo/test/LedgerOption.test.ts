// `--ledger` and DDS_RESTORE_LEDGER as people give them: an SQLite file, or a postgres:// URL of a
// real PostgreSQL (the one the global setup started), its password never written anywhere; a
// ledger that cannot be used stops the command before anything is sent.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
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
})
