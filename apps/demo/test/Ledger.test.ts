// `dds-restore ledger` and `dds-restore recover` as one process at a time uses them (the built bin
// on an SQLite ledger of a temporary folder), what `recover` reports for each kind of result and
// the exit code it ends with, and a lease time to live that cannot be used.
import { type Reconcile, RestoreLedger } from "@dds-restore/client"
import { LedgerSql } from "@dds-restore/ledger-sql"
import { DemoFixture } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Failure from "../src/Failure.js"
import * as Recover from "../src/handlers/Recover.js"
import { demoCredentials, demoInstance, document, run, serve } from "./support.js"

const newLedger = () => path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-cli-")), "ledger.db")

describe("dds-restore ledger", () => {
  it("a new ledger: no lease and no submission, as text and as JSON", async () => {
    const ledger = newLedger()
    const text = await run(["ledger", "--ledger", ledger])
    expect([text.code, text.stdout, text.stderr]).toStrictEqual([
      0,
      "No lease: no submission was made through this ledger.\nNo submission.\n",
      `ledger: ${ledger}\n`
    ])
    const json = await run(["ledger", "--ledger", ledger, "--json"])
    expect([json.code, document(json.stdout)]).toStrictEqual([
      0,
      { leases: [], leases_not_listed: 0, submissions: [], submissions_not_listed: 0 }
    ])
  })

  it("lists at most --limit leases and submissions, newest first, and says how many more there are", async () => {
    const ledger = newLedger()
    // Three runs, each against an embedded emulator of its own port: three services, three leases.
    const jobs: Array<string> = []
    for (let i = 0; i < 3; i++) {
      const restored = await run(["restore", "examples/collection-plan.json", "--instance", demoInstance, "--ledger", ledger, "--json"])
      expect(restored.code).toBe(0)
      jobs.push(String(document(restored.stdout)["job_id"]))
    }
    const json = await run(["ledger", "--ledger", ledger, "--json", "--limit", "2"])
    const listed = document(json.stdout) as {
      readonly leases: ReadonlyArray<Record<string, unknown>>
      readonly submissions: ReadonlyArray<Record<string, unknown>>
      readonly leases_not_listed: number
      readonly submissions_not_listed: number
    }
    expect(json.code).toBe(0)
    expect([listed.leases_not_listed, listed.submissions_not_listed]).toStrictEqual([1, 1])
    expect(listed.leases.map((lease) => [lease["instance_id"], lease["state"], lease["token"], lease["expires_at"]])).toStrictEqual([
      [demoInstance, "Released", 1, null],
      [demoInstance, "Released", 1, null]
    ])
    expect(listed.submissions.map((s) => [s["instance_id"], s["state"], s["job_id"], s["reconciled"]])).toStrictEqual([
      [demoInstance, "Submitted", jobs[2], false],
      [demoInstance, "Submitted", jobs[1], false]
    ])
    expect(listed.submissions[0]?.["holder"]).toMatch(/^dds-restore pid \d+ on /)
    const text = await run(["ledger", "--ledger", ledger, "--limit", "1"])
    const lines = text.stdout.split("\n")
    expect([lines[0], lines[2], lines[3], lines[5], lines.length]).toStrictEqual([
      "Leases (3, latest expiry first):",
      "  and 2 more (--limit lists more)",
      "Submissions (3, newest first):",
      "  and 2 more (--limit lists more)",
      7
    ])
    expect(lines[4]).toMatch(new RegExp(`^  \\S+Z  ${demoInstance}  job ${jobs[2]}  \\[http://127\\.0\\.0\\.1:\\d+ project \\w+, dds-restore pid \\d+ on `))
  }, 120_000)

  it("refuses a --limit outside 1 to 1000 before opening the ledger", async () => {
    for (const limit of ["0", "1001"]) {
      const result = await run(["ledger", "--ledger", newLedger(), "--limit", limit, "--json"])
      expect([result.code, (document(result.stdout)["error"] as Record<string, unknown>)["message"]]).toStrictEqual([
        1,
        `--limit: ${limit} is not from 1 to 1000`
      ])
    }
  })
})

describe("dds-restore recover", () => {
  it("with nothing unsettled: says so, exit 0, and sends nothing", async () => {
    const served = await serve(["--job-duration", "1s"])
    try {
      const env = demoCredentials({ HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url, DDS_RESTORE_LEDGER: newLedger() })
      const json = await run(["recover", "--json"], env)
      expect([json.code, document(json.stdout)]).toStrictEqual([0, { recovered: [] }])
      const text = await run(["recover"], env)
      expect([text.code, text.stdout]).toStrictEqual([0, "Nothing to recover: every submission of the ledger to this service is settled.\n"])
      const state = (await (await fetch(`${served.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
    } finally {
      await served.stop()
    }
  })

  it("refuses a --lease-wait that is not a duration before opening the ledger, exit 1", async () => {
    const ledger = newLedger()
    const result = await run(["recover", "--ledger", ledger, "--lease-wait", "soon", "--json"])
    expect([result.code, (document(result.stdout)["error"] as Record<string, unknown>)["message"]]).toStrictEqual([
      1,
      "--lease-wait: \"soon\" is not a duration: write a whole number and a unit, ms, s, m, h or d (500ms, 30s, 30m, 2h)"
    ])
    expect(existsSync(ledger)).toBe(false)
  })

  const entry: RestoreLedger.Entry = {
    id: "s1",
    key: { endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId: "rs0" },
    holder: "dds-restore pid 7 on host",
    at: Date.UTC(2026, 10, 30, 12),
    body: "{}",
    hash: "h",
    searchFrom: Date.UTC(2026, 10, 30, 11, 45),
    before: [],
    state: "Intent",
    lostAnswer: undefined,
    settledAt: undefined,
    outcome: undefined
  }
  const recovered = (
    outcome: RestoreLedger.Outcome | undefined,
    left?: Reconcile.Left,
    problem?: string
  ): Reconcile.Recovered => ({ entry, outcome, left, problem })

  it("leaves a submission an older version journaled to an instance id that is not one unsettled, exit 4; settles the others", async () => {
    const served = await serve(["--job-duration", "1s"])
    try {
      const ledger = newLedger()
      const long = `${demoInstance}${"x".repeat(70 - demoInstance.length)}`
      // Journaled by processes that died, in the SQLite file as an older version left it; the leases released.
      await Effect.runPromise(Effect.gen(function*() {
        const journal = yield* RestoreLedger.RestoreLedger
        for (const [i, [id, instanceId]] of [["s-long", long], ["s-ok", demoInstance]].entries()) {
          const key = { endpoint: served.url, projectId: DemoFixture.projectId, instanceId: instanceId ?? "" }
          const lease = yield* journal.acquire(key, { holder: "an older version", ttl: "30 seconds", wait: "0 seconds" })
          const at = Date.now() - 2 * 3_600_000 + i * 1000
          yield* journal.record(lease, { id: id ?? "", key, holder: "an older version", at, body: "{}", hash: "h", searchFrom: at - 900_000, before: [] })
          yield* journal.release(lease)
        }
      }).pipe(Effect.provide(LedgerSql.layerSqlite({ filename: ledger }))))
      const env = demoCredentials({ HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url, DDS_RESTORE_LEDGER: ledger })
      const problem = `submission "s-long", journaled by an older version, is left unsettled: its instance id ${JSON.stringify(`${long.slice(0, 40)}…`)} ` +
        "is 70 characters long, longer than any id: an id has at most 64. " +
        "No request is built from it, so the task list cannot settle it: whether its restore started is unknown."
      const json = await run(["recover", "--json"], env)
      const results = document(json.stdout)["recovered"] as ReadonlyArray<Record<string, unknown>>
      expect([json.code, results.map((r) => [r["submission"], r["instance_id"], r["state"], r["result"], r["error"]])]).toStrictEqual([
        4,
        [
          ["s-long", long, "Intent", "Unsettled", { _tag: "InvalidInstanceId", tag: "InvalidInstanceId", message: problem, exit_code: 4 }],
          ["s-ok", demoInstance, "NotStarted", "NotStarted", undefined]
        ]
      ])
      // Left as it was: recover run again says so again, and it alone is left.
      const text = await run(["recover"], env)
      expect([text.code, text.stdout.replace(/^\S+Z {2}/, "")]).toStrictEqual([4, `${long}  submission s-long: left unsettled: ${problem}\n`])
      const state = (await (await fetch(`${served.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      // One read of the task list, settling s-ok: none for s-long, in either run.
      expect(state.requests).toStrictEqual({ tasks: 1 })
    } finally {
      await served.stop()
    }
  }, 120_000)

  it("reports each result with its exit code, and ends with the most severe", () => {
    const results = [
      recovered(RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: true })),
      recovered(RestoreLedger.Outcome.NotStarted()),
      recovered(RestoreLedger.Outcome.Unknown({ candidates: ["j2", "j3"], reason: "2 restore tasks new to it" })),
      recovered(undefined, "SettledElsewhere", "settled by another process meanwhile"),
      recovered(undefined, "InstanceBusy", "Instance rs0 is busy"),
      recovered(undefined, "LeaseLost", "The lease of instance rs0 (token 1) was lost"),
      recovered(undefined, "TaskListUnreadable", "the task list could not be read: 503"),
      recovered(undefined, "InvalidInstanceId", "submission \"s1\", journaled by an older version, is left unsettled")
    ]
    expect(results.map((r) => [Recover.resultOf(r), Recover.exitCode(r)])).toStrictEqual([
      ["Found", 0],
      ["NotStarted", 0],
      ["Unknown", 4],
      ["SettledElsewhere", 0],
      ["Unsettled", 2],
      ["Unsettled", 4],
      ["Unsettled", 2],
      ["Unsettled", 4]
    ])
    expect(Recover.document(results[2] as Reconcile.Recovered)).toMatchObject({
      submission: "s1",
      state: "Unknown",
      result: "Unknown",
      candidates: ["j2", "j3"],
      error: { tag: "RestoreOutcomeUnknown", exit_code: 4, candidates: ["j2", "j3"], ambiguity: "2 restore tasks new to it" }
    })
    expect(Recover.line(results[0] as Reconcile.Recovered)).toBe(
      "2026-11-30T12:00:00.000Z  rs0  submission s1: job j1 (its answer was lost; found in the task list)"
    )
    expect(Recover.line(results[4] as Reconcile.Recovered)).toBe("2026-11-30T12:00:00.000Z  rs0  submission s1: left unsettled: Instance rs0 is busy")
    expect(Failure.exitCodeOf({ _tag: "LeaseLost" })).toBe(4)
  })
})

describe("DDS_RESTORE_LEASE_TTL", () => {
  it("a value that is not a duration from 2s to 10m is refused with exit 1, naming the variable, and nothing is sent", async () => {
    const served = await serve(["--job-duration", "1s"])
    try {
      for (
        const [value, detail] of [
          ["1s", "\"1s\" is not from 2s to 10m"],
          ["soon", "\"soon\" is not a duration: write a whole number and a unit, ms, s, m, h or d (500ms, 30s, 30m, 2h)"]
        ]
      ) {
        const result = await run(
          ["restore", "examples/collection-plan.json", "--instance", demoInstance, "--json"],
          demoCredentials({ HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url, DDS_RESTORE_LEDGER: newLedger(), DDS_RESTORE_LEASE_TTL: value ?? "" })
        )
        expect([result.code, document(result.stdout)["error"]]).toStrictEqual([
          1,
          { tag: "InvalidSetting", message: `DDS_RESTORE_LEASE_TTL: ${detail}`, exit_code: 1, variable: "DDS_RESTORE_LEASE_TTL", detail }
        ])
      }
      const state = (await (await fetch(`${served.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
    } finally {
      await served.stop()
    }
  })
})
