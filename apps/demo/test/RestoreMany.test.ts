// `dds-restore restore PLAN --instances FILE` as a job runner runs it: the built command line
// against `dds-restore emulator --instances N`, one result per line of the file in its order, the
// exit code of the most severe result, a bad file refused line by line before anything is sent.
import { RestoreLedger } from "@dds-restore/client"
import { DemoFixture } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Exit from "effect/Exit"
import * as RestoreMany from "../src/handlers/RestoreMany.js"
import { demoCredentials, demoSecret, losingProxy, run, serve } from "./support.js"

const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-fleet-"))
const file = (name: string, lines: ReadonlyArray<string>): string => {
  const at = path.join(dir, name)
  writeFileSync(at, `${lines.join("\n")}\n`)
  return at
}

const fleet = DemoFixture.fleetInstanceIds({ count: 4, seed: "cli" })

interface State {
  readonly jobs: ReadonlyArray<{ readonly id: string; readonly instance_id: string; readonly restores: ReadonlyArray<string> }>
  readonly requests: Readonly<Record<string, number>>
}
const state = async (url: string): Promise<State> => (await (await fetch(`${url}/_emulator/state`)).json()) as State

// A line of the document as a reader parses it: every field optional.
type Row = { instance_id: string; job_id?: string; reconciled?: boolean; error?: Partial<RestoreMany.RowError> }

describe("dds-restore restore --instances", () => {
  it("one result per instance of the file, in order and one a line; the exit code of the most severe", async () => {
    const emulator = await serve(["--instances", "4", "--fleet-seed", "cli", "--job-duration", "1s"])
    try {
      const instances = file("fleet.txt", ["# the fleet of seed cli", ...fleet.slice(0, 2), "", DemoFixture.shardedInstanceId, ...fleet.slice(2)])
      const result = await run(
        ["restore", "examples/collection-plan.json", "--instances", instances, "--concurrency", "3", "--rate", "50", "--endpoint", emulator.url, "--json"],
        demoCredentials()
      )
      expect(result.code).toBe(1)
      const lines = result.stdout.trimEnd().split("\n")
      expect(lines[0]).toBe(`{ "results": [`)
      expect(lines.at(-1)).toBe("] }")
      const rows = lines.slice(1, -1).map((line) => JSON.parse(line.replace(/,$/, "")) as Row)
      expect(JSON.parse(result.stdout)).toStrictEqual({ results: rows })
      expect(rows.map((r) => r.instance_id)).toStrictEqual([...fleet.slice(0, 2), DemoFixture.shardedInstanceId, ...fleet.slice(2)])
      const refused = rows[2]
      expect(Object.keys(refused ?? {})).toStrictEqual(["instance_id", "error"])
      expect(refused?.error?.tag).toBe("PreflightFailed")
      expect(refused?.error?.message).toContain("is a Sharding instance")
      const submitted = rows.filter((r) => r.error === undefined)
      for (const r of submitted) expect(Object.keys(r)).toStrictEqual(["instance_id", "job_id", "reconciled"])
      expect(submitted.map((r) => r.reconciled)).toStrictEqual([false, false, false, false])
      // Each reported job is the one the emulator created on that instance, and the only one.
      const { jobs } = await state(emulator.url)
      expect(jobs.map((j) => [j.id, j.instance_id]).sort()).toStrictEqual(submitted.map((r) => [r.job_id, r.instance_id]).sort())
      for (const job of jobs) {
        expect(job.restores[0]).toBe("shop.orders_restored")
        expect(job.restores[1]).toMatch(/^shop\.customers_bak_\d{13}$/)
      }
      expect(result.stdout + result.stderr).not.toContain(demoSecret)
    } finally {
      await emulator.stop()
    }
  })

  it("without --json: a line per instance and a count on stdout, the instances done counted on stderr", async () => {
    const emulator = await serve(["--instances", "4", "--fleet-seed", "cli", "--job-duration", "1s"])
    try {
      const result = await run(
        ["restore", "examples/database-plan.json", "--instances", file("two.txt", fleet.slice(0, 2)), "--endpoint", emulator.url],
        demoCredentials()
      )
      expect(result.code).toBe(0)
      const { jobs } = await state(emulator.url)
      const jobOf = (id: string) => jobs.find((j) => j.instance_id === id)?.id
      expect(result.stdout).toBe(`${fleet[0]}: job ${jobOf(fleet[0] ?? "")}\n${fleet[1]}: job ${jobOf(fleet[1] ?? "")}\n2 of 2 submitted\n`)
      const counted = result.stderr.split("\n").filter((line) => /^\d+\/2 /.test(line)).sort()
      expect(counted.map((line) => line.slice(0, 4))).toStrictEqual(["1/2 ", "2/2 "])
      expect(counted.map((line) => line.slice(4).replace(/: job .*/, "")).sort()).toStrictEqual(fleet.slice(0, 2).sort())
    } finally {
      await emulator.stop()
    }
  })

  it("answers that never come back and a task list that never shows the job: exit 4, the most severe, each item says so", async () => {
    const emulator = await serve(["--instances", "4", "--fleet-seed", "cli", "--job-duration", "1s"])
    const proxy = await losingProxy(emulator.url)
    try {
      const result = await run(
        [
          "restore",
          "examples/collection-plan.json",
          "--instances",
          file("lost.txt", [DemoFixture.shardedInstanceId, ...fleet.slice(0, 2)]),
          "--reconcile-wait",
          "1s",
          "--endpoint",
          proxy.url,
          "--json"
        ],
        demoCredentials()
      )
      expect(result.code).toBe(4)
      const rows = (JSON.parse(result.stdout) as { results: ReadonlyArray<Row> }).results
      expect(rows.map((r) => [r.instance_id, r.error?.tag])).toStrictEqual([
        [DemoFixture.shardedInstanceId, "PreflightFailed"],
        [fleet[0], "RestoreOutcomeUnknown"],
        [fleet[1], "RestoreOutcomeUnknown"]
      ])
    } finally {
      await proxy.close()
      await emulator.stop()
    }
  })

  it("an outcome not recorded, or one of several jobs: the item names the submission left unsettled, or the candidates, as fields", async () => {
    const emulator = await serve(["--instances", "4", "--fleet-seed", "cli", "--job-duration", "1s"])
    const unreadable = await losingProxy(emulator.url, "unreadable")
    const doubled = await losingProxy(emulator.url, "doubled")
    try {
      const ledger = path.join(dir, "outcomes.db")
      const batch = async (proxy: string, instance: string) => {
        const result = await run(
          [
            "restore",
            "examples/collection-plan.json",
            "--instances",
            file(`${instance}.txt`, [instance]),
            "--reconcile-wait",
            "5s",
            "--ledger",
            ledger,
            "--endpoint",
            proxy,
            "--json"
          ],
          demoCredentials()
        )
        expect(result.code).toBe(4)
        return (JSON.parse(result.stdout) as { results: ReadonlyArray<Row> }).results
      }
      // The task list unreadable once the answer is lost: the submission stays unsettled, and the item names it.
      const [notRecorded] = await batch(unreadable.url, fleet[0] ?? "")
      const listed = JSON.parse((await run(["ledger", "--ledger", ledger, "--json"], demoCredentials())).stdout) as {
        submissions: ReadonlyArray<{ submission: string; instance_id: string; state: string }>
      }
      expect(listed.submissions.map((s) => [s.instance_id, s.state])).toStrictEqual([[fleet[0], "Sent"]])
      const submission = listed.submissions[0]?.submission
      expect(notRecorded).toStrictEqual({
        instance_id: fleet[0],
        error: { tag: "RestoreOutcomeUnknown", message: expect.stringContaining(`submission ${submission} is left unsettled`), unsettled: submission }
      })
      // Two new tasks where one was sent: either may be its job, and the item lists both.
      const [ambiguous] = await batch(doubled.url, fleet[1] ?? "")
      const job = (await state(emulator.url)).jobs.find((j) => j.instance_id === fleet[1])?.id
      expect(ambiguous).toStrictEqual({
        instance_id: fleet[1],
        error: { tag: "RestoreOutcomeUnknown", message: expect.stringContaining(`its job is one of ${job}, ${job}-twin`), candidates: [job, `${job}-twin`] }
      })
    } finally {
      await unreadable.close()
      await doubled.close()
      await emulator.stop()
    }
  }, 60_000)

  it("an item whose job the ledger could not record names the job to follow and the submission left unsettled", () => {
    const failure = new RestoreLedger.JobNotRecorded({
      instanceId: "i-1",
      jobId: "job-1",
      reconciled: false,
      submission: "0b9d1f9e-0000-4000-8000-000000000001",
      ledgerFailure: new RestoreLedger.LedgerError({ ledger: "ledger.db", reason: "Failed", detail: "disk full" })
    })
    expect(RestoreMany.row({ instanceId: "i-1", result: Exit.fail(failure) })).toStrictEqual({
      instance_id: "i-1",
      error: { tag: "JobNotRecorded", message: failure.message, unsettled: "0b9d1f9e-0000-4000-8000-000000000001", job_id: "job-1" }
    })
  })

  it("a bad instances file is refused with every bad line's number, exit 1, and nothing is sent", async () => {
    const emulator = await serve(["--instances", "2", "--fleet-seed", "cli"])
    try {
      const bad = file("bad.txt", [fleet[0] ?? "", "not an id", fleet[0] ?? "", "ok_1"])
      const result = await run(
        ["restore", "examples/collection-plan.json", "--instances", bad, "--endpoint", emulator.url, "--json"],
        demoCredentials()
      )
      expect(result.code).toBe(1)
      const error = (JSON.parse(result.stdout) as { error: { tag: string; issues: unknown; exit_code: number } }).error
      expect(error.tag).toBe("InstancesFileError")
      expect(error.exit_code).toBe(1)
      expect(error.issues).toStrictEqual([
        { line: 2, message: `"not an id" is not an instance id (only letters, digits, - and _)` },
        { line: 3, message: `${fleet[0]} is already on line 1: each instance is restored once a run` }
      ])
      expect((await state(emulator.url)).requests).toStrictEqual({})
    } finally {
      await emulator.stop()
    }
  })

  it("options that do not go together are refused with exit 1 before anything runs", async () => {
    const instances = file("one.txt", fleet.slice(0, 1))
    const both = await run(["restore", "examples/collection-plan.json", "--instance", "x", "--instances", instances, "--json"])
    expect(both.code).toBe(1)
    expect(both.stdout).toContain("you can only specify one of either: ['--instance', '--instances']")
    const waiting = await run(["restore", "examples/collection-plan.json", "--instances", instances, "--wait"])
    expect(waiting.code).toBe(1)
    expect(waiting.stderr).toContain("--wait follows one job")
    const single = await run(["restore", "examples/collection-plan.json", "--instance", "x", "--rate", "5"])
    expect(single.code).toBe(1)
    expect(single.stderr).toContain("--concurrency and --rate apply to a batch")
    const none = await run(["restore", "examples/collection-plan.json", "--instances", instances, "--concurrency", "0"])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain("--concurrency: 0 is not from 1 to 64")
    for (const rate of ["0.001", "5000"]) {
      const refused = await run(["restore", "examples/collection-plan.json", "--instances", instances, "--rate", rate])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`--rate: ${rate} is not a rate from 0.01 (one request every 100 seconds) to 1000 requests per second`)
    }
  })
})
