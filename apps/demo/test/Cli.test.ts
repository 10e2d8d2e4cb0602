// The command line as people and scripts run it: `node apps/demo/dist/bin.js ...`, built first,
// against the embedded emulator or an emulator served by `dds-restore emulator`.
import { type ChildProcess, spawnSync } from "node:child_process"
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { SourceMap, type SourceMapPayload } from "node:module"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { DemoFixture } from "@dds-restore/testing"
import {
  bin,
  cleanEnv,
  demoCredentials,
  demoInstance,
  demoSecret,
  document,
  losingProxy,
  root,
  run,
  runScriptSlowly,
  serve,
  shell
} from "./support.js"

const plans = mkdtempSync(path.join(tmpdir(), "dds-restore-plans-"))
const planFile = (name: string, body: unknown): string => {
  const file = path.join(plans, name)
  writeFileSync(file, JSON.stringify(body))
  return file
}

const collectionPlan = planFile("collections.json", {
  restore_collections: [{
    database: "shop",
    collections: [
      { old_name: "orders", new_name: "orders_restored", restore_collection_time: "now-2h" },
      { old_name: "customers", restore_collection_time: "now-1d" }
    ]
  }]
})
const outsideWindows = planFile("outside.json", {
  restore_collections: [{ database: "analytics", restore_database_time: "now-10d" }]
})
const missingDatabase = planFile("missing.json", {
  restore_collections: [{ database: "ghosts", restore_database_time: "now-2h" }]
})

const packageVersion = (JSON.parse(readFileSync(path.join(root, "apps/demo/package.json"), "utf8")) as { version: string }).version

const DAY = 86_400_000
const utcDay = (millis: number): string => new Date(millis).toISOString().slice(0, 10)

describe("dds-restore validate", () => {
  it("a valid plan exits 0 and shows every collection with its resolved time", async () => {
    const result = await run(["validate", collectionPlan])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toBe(`${collectionPlan}: a valid plan`)
    expect(lines[1]).toBe("  restore_collections[0]: database shop, 2 collections")
    expect(lines[2]).toMatch(/^ {4}orders -> orders_restored at \d{4}-\d\d-\d\dT[\d:.]+Z \(\d{13}\)$/)
    expect(lines[3]).toMatch(/^ {4}customers -> customers_bak_<ms> \(the service's default name\) at .+Z \(\d{13}\)$/)
    expect(result.stderr).toBe("")
  })

  it("examples/invalid-plan.json exits 1 and lists every issue with its path on stderr", async () => {
    const result = await run(["validate", "examples/invalid-plan.json"])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    const lines = result.stderr.trimEnd().split("\n")
    expect(lines[0]).toBe("The plan is invalid (6 issues):")
    expect(lines.slice(1).map((line) => line.split(": ")[0])).toStrictEqual([
      "  restore_collections[0].restore_database_time",
      "  restore_collections[1].collections[0].restore_colection_time",
      "  restore_collections[1].collections[0].restore_collection_time",
      "  restore_collections[1].collections[1].restore_collection_time",
      "  restore_collections[1].collections[2].old_name",
      "  restore_collections[2].database"
    ])
  })

  it("--json writes one document, for an invalid plan too", async () => {
    const result = await run(["validate", "examples/invalid-plan.json", "--json"])
    expect(result.code).toBe(1)
    const error = document(result.stdout)["error"] as { tag: string; exit_code: number; issues: ReadonlyArray<{ path: unknown }> }
    expect(error.tag).toBe("PlanError")
    expect(error.exit_code).toBe(1)
    expect(error.issues[4]?.path).toStrictEqual(["restore_collections", 1, "collections", 2, "old_name"])
  })

  it("a missing file exits 1 and says which", async () => {
    const result = await run(["validate", "no-such-plan.json"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("The plan file no-such-plan.json could not be read: there is no such file")
  })
})

describe("dds-restore windows", () => {
  it("draws the day as a 24-hour bar, the 06:00-06:25 gap shaded, above each window's exact times", async () => {
    const day = utcDay(Date.now() - 2 * DAY)
    const result = await run(["windows", "--instance", demoInstance, "--date", day])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^target: embedded emulator at http:\/\/127\.0\.0\.1:\d+ \(demo fixture; no cloud account used\)\n$/)
    const lines = result.stdout.split("\n")
    expect(lines[0]).toBe(`Restorable windows of ${day} (UTC) on instance ${demoInstance}: 2`)
    expect(lines[1]).toBe("█".repeat(12) + "▒" + "█".repeat(35))
    expect(lines[3]).toBe("00          06          12          18          24")
    expect(lines[7]).toMatch(new RegExp(`^  ${day}T00:00:00\\.000Z  ${day}T05:59:59\\.000Z  \\d{13} +\\d{13} +5h 59m 59s$`))
    expect(lines[8]).toMatch(new RegExp(`^  ${day}T06:25:00\\.000Z  ${day}T23:59:59\\.000Z  \\d{13} +\\d{13} +17h 34m 59s$`))
  })

  it("--json gives each window in epoch ms and ISO", async () => {
    const day = utcDay(Date.now() - 2 * DAY)
    const result = await run(["windows", "--instance", demoInstance, "--date", day, "--json"])
    expect(result.code).toBe(0)
    const start = Date.parse(`${day}T00:00:00Z`)
    expect(document(result.stdout)["windows"]).toStrictEqual([
      { start_time: start, end_time: start + 6 * 3_600_000 - 1000, start: `${day}T00:00:00.000Z`, end: `${day}T05:59:59.000Z` },
      {
        start_time: start + 6 * 3_600_000 + 25 * 60_000,
        end_time: start + DAY - 1000,
        start: `${day}T06:25:00.000Z`,
        end: `${day}T23:59:59.000Z`
      }
    ])
  })

  it("a day that is not YYYY-MM-DD exits 1 before any target is set up", async () => {
    const result = await run(["windows", "--instance", demoInstance, "--date", "2026-02-30", "--json"])
    expect(result.code).toBe(1)
    expect((document(result.stdout)["error"] as { tag: string }).tag).toBe("InvalidArgument")
    expect(result.stderr).not.toContain("target:")
  })
})

describe("dds-restore plan", () => {
  it("a dry run shows the preflight and the exact request, and submits nothing", async () => {
    const result = await run(["plan", collectionPlan, "--instance", demoInstance, "--json"])
    expect(result.code).toBe(0)
    const doc = document(result.stdout) as {
      preflight: { ok: boolean; problems: ReadonlyArray<unknown> }
      request: { method: string; url: string; body: { restore_collections: ReadonlyArray<{ collections: ReadonlyArray<Record<string, unknown>> }> } }
    }
    expect(doc.preflight).toStrictEqual({ instanceId: demoInstance, ok: true, problems: [] })
    expect(doc.request.method).toBe("POST")
    expect(doc.request.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v3/${DemoFixture.projectId}/instances/${demoInstance}/restore/collections$`)
    )
    const [orders, customers] = doc.request.body.restore_collections[0]?.collections ?? []
    expect(orders).toStrictEqual({ old_name: "orders", new_name: "orders_restored", restore_collection_time: expect.stringMatching(/^\d{13}$/) })
    expect(customers).toStrictEqual({ old_name: "customers", restore_collection_time: expect.stringMatching(/^\d{13}$/) })
  })

  it("examples/database-plan.json passes its preflight on the demo replica set, whatever the day", async () => {
    const result = await run(["plan", "examples/database-plan.json", "--instance", demoInstance])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("\nPreflight: ok\n")
    expect(result.stdout).toMatch(/\n {2}\{"restore_collections":\[\{"database":"analytics","restore_database_time":"\d{13}"\}\]\}\n$/)
  })

  it("a time outside every window exits 1 with the problem's kind, path and hint", async () => {
    const result = await run(["plan", outsideWindows, "--instance", demoInstance, "--json"])
    expect(result.code).toBe(1)
    const doc = document(result.stdout) as {
      preflight: { ok: boolean; problems: ReadonlyArray<{ kind: string; path: unknown; hint: string }> }
      error: { tag: string }
    }
    expect(doc.preflight.ok).toBe(false)
    expect(doc.preflight.problems.map((p) => [p.kind, p.path])).toStrictEqual([
      ["OutsideWindow", ["restore_collections", 0, "restore_database_time"]]
    ])
    expect(doc.error.tag).toBe("PreflightFailed")
    expect(result.stderr).toContain("restore_collections[0].restore_database_time")
  })
})

describe("dds-restore restore", () => {
  it("--wait follows the job to Completed and exits 0; without a terminal, one line per change", async () => {
    const result = await run(["restore", collectionPlan, "--instance", demoInstance, "--wait", "--json"])
    expect(result.code).toBe(0)
    const doc = document(result.stdout)
    expect(doc).toMatchObject({ status: "Completed", reconciled: false, instance_id: demoInstance })
    expect(doc["job_id"]).toMatch(/^[0-9a-f-]{36}$/)
    expect(result.stderr).not.toContain("\r")
    const lines = result.stderr.trimEnd().split("\n")
    expect(lines[1]).toBe(`submitted: job ${String(doc["job_id"])} on instance ${demoInstance}`)
    expect(lines.slice(2).every((line) => new RegExp(`^job ${String(doc["job_id"])}: (Running \\d+%|Completed)$`).test(line))).toBe(true)
    expect(lines.at(-1)).toBe(`job ${String(doc["job_id"])}: Completed`)
  })

  it("a preflight problem exits 1 and nothing is submitted", async () => {
    const result = await run(["restore", missingDatabase, "--instance", demoInstance])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The preflight on instance ${demoInstance} found 1 problem; nothing was submitted:`)
    expect(result.stderr).toContain(`  [NotExisting] restore_collections[0].database: database "ghosts" did not exist at `)
    expect(result.stderr).not.toMatch(/^submitted: job/m)
  })

  it("exit 2: the service refuses (no such instance, preflight skipped)", async () => {
    const result = await run(["restore", collectionPlan, "--instance", "00000000000000000000000000000000in02", "--no-preflight", "--json"])
    expect(result.code).toBe(2)
    const error = document(result.stdout)["error"] as { tag: string; status: number; code: string }
    expect(error).toMatchObject({ tag: "ServiceError", status: 404, exit_code: 2 })
    expect(result.stderr).toContain("error: restore failed with HTTP 404")
  })

  it("exit 3: the job fails (a database that did not exist, preflight skipped), with its reason", async () => {
    const result = await run(["restore", missingDatabase, "--instance", demoInstance, "--no-preflight", "--wait", "--json"])
    expect(result.code).toBe(3)
    const doc = document(result.stdout) as { status: string; fail_reason: string; error: { tag: string; exit_code: number } }
    expect(doc.status).toBe("Failed")
    expect(doc.fail_reason).toMatch(/^database ghosts did not exist at \d{13}/)
    expect(doc.error).toMatchObject({ tag: "JobFailed", exit_code: 3 })
  })
})

describe("dds-restore against a served emulator (--endpoint, AK/SK from the environment)", () => {
  it("a lost restore answer is settled from the task list: the job is found, not submitted twice", async () => {
    const emulator = await serve(["--faults", "drop-restore-answer=1", "--job-duration", "2s", "--visibility-delay", "500ms"])
    try {
      const result = await run(
        ["restore", collectionPlan, "--instance", demoInstance, "--endpoint", emulator.url, "--wait", "--json"],
        demoCredentials()
      )
      expect(result.code).toBe(0)
      expect(document(result.stdout)).toMatchObject({ status: "Completed", reconciled: true })
      expect(result.stderr).toContain("The answer to a restore on instance")
      expect(result.stderr.split("\n")[0]).toBe(
        `target: ${emulator.url} (project ${DemoFixture.projectId}; signed with AK/SK)`
      )
      expect(result.stdout + result.stderr).not.toContain(demoSecret)
    } finally {
      await emulator.stop()
    }
  })

  it("exit 4: the answer is lost and the task list never shows the job", async () => {
    const emulator = await serve(["--job-duration", "2s"])
    const proxy = await losingProxy(emulator.url)
    try {
      const result = await run(
        ["restore", collectionPlan, "--instance", demoInstance, "--endpoint", proxy.url, "--reconcile-wait", "2s", "--json"],
        demoCredentials()
      )
      expect(result.code).toBe(4)
      const error = document(result.stdout)["error"] as { tag: string; instanceId: string; error: { tag: string } }
      expect(error).toMatchObject({ tag: "RestoreOutcomeUnknown", instanceId: demoInstance, error: { tag: "TransportError" } })
      expect(result.stderr).toContain("may or may not have started")
      expect(result.stdout + result.stderr).not.toContain(demoSecret)
    } finally {
      await proxy.close()
      await emulator.stop()
    }
  })

  it("exit 2: every call fails with a 5xx (reads retried, then reported)", async () => {
    const emulator = await serve(["--faults", "error5xx=1"])
    try {
      const result = await run(
        ["windows", "--instance", demoInstance, "--date", utcDay(Date.now()), "--endpoint", emulator.url, "--json"],
        demoCredentials()
      )
      expect(result.code).toBe(2)
      expect((document(result.stdout)["error"] as { tag: string; status: number })).toMatchObject({ tag: "ServiceError" })
      expect((document(result.stdout)["error"] as { status: number }).status).toBeGreaterThanOrEqual(500)
    } finally {
      await emulator.stop()
    }
  }, 60_000)

  it("job <id> --wait follows a job submitted by an earlier command", async () => {
    const emulator = await serve(["--job-duration", "2s", "--visibility-delay", "500ms"])
    try {
      const submitted = await run(
        ["restore", collectionPlan, "--instance", demoInstance, "--endpoint", emulator.url, "--json"],
        demoCredentials()
      )
      expect(submitted.code).toBe(0)
      const jobId = String(document(submitted.stdout)["job_id"])
      expect(document(submitted.stdout)).toStrictEqual({ job_id: jobId, reconciled: false, instance_id: demoInstance, status: "Submitted" })
      // The global options may also come before the command.
      const followed = await run(["--endpoint", emulator.url, "job", jobId, "--wait"], demoCredentials())
      expect(followed.code).toBe(0)
      expect(followed.stdout).toMatch(new RegExp(`^Completed: job ${jobId} on dds-orders-demo \\(${demoInstance}\\), ended .+\\n$`))
    } finally {
      await emulator.stop()
    }
  })

  it("--region picks the region's endpoint (its SDK override first); without credentials, exit 1 before any request", async () => {
    const result = await run(
      ["windows", "--instance", demoInstance, "--date", utcDay(Date.now()), "--region", "cn-north-4", "--project-id", "p1"],
      cleanEnv({ HUAWEICLOUD_SDK_REGION_DDS_CN_NORTH_4: "http://127.0.0.1:9" })
    )
    expect(result.code).toBe(1)
    const lines = result.stderr.trimEnd().split("\n")
    expect(lines[0]).toBe("target: http://127.0.0.1:9 (project p1; signed with AK/SK)")
    expect(lines[1]).toMatch(/^error: No usable AK\/SK credentials \(Missing\): .* Set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/)
  })
})

describe("dds-restore emulator", () => {
  it("serves like dds-restore-emulator and lists the demo instances on stderr", async () => {
    const emulator = await serve([])
    await new Promise((resolve) => setTimeout(resolve, 200))
    const code = await emulator.stop()
    expect(emulator.stdout().split("\n").slice(0, 3)).toStrictEqual([
      `listening on ${emulator.url}`,
      `project id: ${DemoFixture.projectId}`,
      `access key id: ${DemoFixture.accessKeyId}`
    ])
    expect(emulator.stderr()).toContain(`demo replica set (restore this one): ${demoInstance} (dds-orders-demo)`)
    expect(emulator.stdout() + emulator.stderr()).not.toContain(demoSecret)
    expect(code).toBe(0)
  })

  it("stopped by SIGINT while its output waits behind a full pipe read slowly: exit 0 once all is written", async () => {
    // A seed whose access key ids print about 8 KB more than the 64 KiB the pipe holds, in short
    // lines: Node never says `drain` for them, and the process, exiting by itself before all was
    // written, took the code the signal had set (130) instead of a stopped server's 0.
    const accessKeyIds = Array.from({ length: 1_600 }, (_, k) => `AK${String(k).padStart(28, "0")}`)
    const seed = planFile("many-keys.json", {
      projectId: "p1",
      region: "cn-north-4",
      credentials: accessKeyIds.map((accessKeyId) => ({ accessKeyId, secretAccessKey: "not-a-secret" })),
      users: [],
      instances: []
    })
    let child: ChildProcess | undefined
    try {
      const result = await runScriptSlowly(bin, ["emulator", "--seed", seed], cleanEnv(), (started) => {
        child = started
        const guard = setTimeout(() => started.kill("SIGKILL"), 30_000)
        started.on("close", () => clearTimeout(guard))
        // Read once the signal has stopped it (and a moment more, for the run to end).
        return new Promise<void>((resolve) => {
          let stderr = ""
          started.stderr?.on("data", (chunk: string) => {
            stderr += chunk
            if (chunk.includes("serving until interrupted")) started.kill("SIGINT")
            if (stderr.includes("stopped by SIGINT")) setTimeout(resolve, 300)
          })
          started.on("close", () => resolve())
        })
      })
      const lines = result.stdout.split("\n")
      expect(result.stdout.length).toBeGreaterThan(65_536)
      expect(result.stdout.length).toBeLessThan(65_536 + 16_384)
      expect(lines.filter((line) => line.startsWith("access key id: "))).toStrictEqual(accessKeyIds.map((id) => `access key id: ${id}`))
      expect(lines.at(-2)).toMatch(/^secret keys and state: GET http:\/\/127\.0\.0\.1:\d+\/_emulator\/state$/)
      expect(result.stderr).toBe("serving until interrupted (Ctrl-C)\nstopped by SIGINT\n")
      expect(result.code).toBe(0)
    } finally {
      child?.kill("SIGKILL")
    }
  }, 60_000)

  it("a bad option is refused with the emulator's own words, exit 1", async () => {
    const result = await run(["emulator", "--faults", "throttle=2"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`--faults "throttle=2": throttle=2: expected a rate from 0 to 1, for example 0.2`)
  })
})

describe("the arguments", () => {
  it("a missing option exits 1, with --json as one document too", async () => {
    const result = await run(["restore", "examples/collection-plan.json", "--json"])
    expect(result.code).toBe(1)
    expect(document(result.stdout)).toStrictEqual({
      error: {
        tag: "MissingValue",
        message: "Expected to find option: '--instance'\n\nExpected to find option: '--instances'",
        exit_code: 1
      }
    })
    expect(result.stderr).toContain("Expected to find option: '--instance'")
    expect(result.stderr).toContain("Expected to find option: '--instances'")
  })
})

describe("ids", () => {
  it("an id over 64 characters is refused while the arguments (the instances file, the target) are read, exit 1, naming the option or the line; nothing sent, no ledger; 64 are taken", async () => {
    const served = await serve([])
    try {
      const env = demoCredentials({ HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url })
      const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-ids-"))
      const ledger = path.join(dir, "ledger.db")
      const long = `${demoInstance}${"0".repeat(29)}`
      const huge = "f".repeat(100_000)
      const quoted = (id: string) => JSON.stringify(`${id.slice(0, 40)}…`)
      const instances = path.join(dir, "instances.txt")
      writeFileSync(instances, `${demoInstance}\n# a comment\n${long}\n`)
      const cases = [
        [["restore", "examples/collection-plan.json", "--instance", long], "InvalidValue", `--instance: ${quoted(long)} is 65 characters long, longer than any instance id (at most 64)`],
        [["plan", "examples/collection-plan.json", "--instance", huge], "InvalidValue", `--instance: ${quoted(huge)} is 100000 characters long, longer than any instance id (at most 64)`],
        [["windows", "--instance", long, "--date", "2026-11-30"], "InvalidValue", `--instance: ${quoted(long)} is 65 characters long, longer than any instance id (at most 64)`],
        [["job", huge, "--wait"], "InvalidArgument", `<job-id>: ${quoted(huge)} is 100000 characters long, longer than any job id (at most 64)`],
        [
          ["windows", "--instance", demoInstance, "--date", "2026-11-30", "--project-id", huge],
          "TargetError",
          `The DDS service to use is not configured correctly. --project-id: The project id ${quoted(huge)} is 100000 characters long, ` +
          "longer than any project id (at most 64): set it to the project id shown under My Credentials > API Credentials (usually 32 hex characters)."
        ],
        [
          ["restore", "examples/collection-plan.json", "--instances", instances],
          "InstancesFileError",
          `The instances file ${instances} cannot be used: 1 line is not usable.\n  line 3: ${quoted(long)} is 65 characters long, longer than any instance id (at most 64)\n` +
          "Write one instance id a line (letters, digits, - and _, at most 64, as the console shows it); blank lines and lines starting with # are skipped. Nothing was sent."
        ]
      ] as const
      for (const [args, tag, message] of cases) {
        const result = await run([...args, "--ledger", ledger, "--json"], env)
        const error = document(result.stdout)["error"] as { tag: string; message: string; exit_code: number }
        expect([result.code, error.tag, error.message, error.exit_code], args[0]).toStrictEqual([1, tag, message, 1])
        expect(result.stderr).toContain(message)
        expect(result.stdout + result.stderr).not.toContain(huge.slice(0, 41))
      }
      // Refused before anything ran: the ledger was never created, the service never asked.
      expect(existsSync(ledger)).toBe(false)
      const state = (await (await fetch(`${served.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
      // An id of exactly 64 characters is taken, and asked for: the service does not know it.
      const atBound = `${demoInstance}${"0".repeat(28)}`
      const restored = await run(["restore", "examples/collection-plan.json", "--instance", atBound, "--no-preflight", "--ledger", ledger, "--json"], env)
      expect([restored.code, (document(restored.stdout)["error"] as { tag: string; status: number })]).toMatchObject([2, { tag: "ServiceError", status: 404 }])
      const job = await run(["job", atBound, "--ledger", ledger, "--json"], env)
      expect([job.code, (document(job.stdout)["error"] as { tag: string; status: number })]).toMatchObject([2, { tag: "ServiceError", status: 404 }])
    } finally {
      await served.stop()
    }
  }, 60_000)
})

describe("durations", () => {
  it("a duration that cannot be read is refused while the arguments are parsed, naming the option", async () => {
    const result = await run(["restore", "examples/collection-plan.json", "--instance", demoInstance, "--reconcile-wait", "soon", "--json"])
    expect(result.code).toBe(1)
    const message = '--reconcile-wait: "soon" is not a duration: write a whole number and a unit, ms, s, m, h or d (500ms, 30s, 30m, 2h)'
    expect(document(result.stdout)).toStrictEqual({ error: { tag: "InvalidValue", message, exit_code: 1 } })
    // Refused before any target is set up: no emulator was started.
    expect(result.stderr).not.toContain("target:")
  })

  it("a duration over its option's maximum is refused with exit 1, naming the option, the value and the bound, and nothing is sent", async () => {
    const served = await serve([])
    try {
      const env = demoCredentials({ HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url })
      const ledger = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-bounds-")), "ledger.db")
      const restore = ["restore", "examples/collection-plan.json", "--instance", demoInstance, "--ledger", ledger, "--json"]
      const cases = [
        [[...restore, "--lease-wait", "61m"], '--lease-wait: "61m" is longer than 1h, the most it takes'],
        [[...restore, "--reconcile-wait", "2h"], '--reconcile-wait: "2h" is longer than 30m, the most it takes'],
        [[...restore, "--wait", "--wait-timeout", "8d"], '--wait-timeout: "8d" is longer than 7d, the most it takes'],
        [[...restore, "--lease-wait", "999999999d"], '--lease-wait: "999999999d" is longer than 1h, the most it takes'],
        [["recover", "--ledger", ledger, "--lease-wait", "2h", "--json"], '--lease-wait: "2h" is longer than 1h, the most it takes']
      ] as const
      for (const [args, message] of cases) {
        const result = await run(args, env)
        expect([result.code, document(result.stdout)], args.join(" ")).toStrictEqual([1, { error: { tag: "InvalidValue", message, exit_code: 1 } }])
        expect(result.stderr).toContain(message)
      }
      // Refused while the arguments were read: the ledger was never created, the service never asked.
      expect(existsSync(ledger)).toBe(false)
      const state = (await (await fetch(`${served.url}/_emulator/state`)).json()) as { requests: Record<string, number> }
      expect(state.requests).toStrictEqual({})
      // The bound itself is taken.
      const atBound = await run([...restore, "--lease-wait", "1h", "--reconcile-wait", "30m"], env)
      expect([atBound.code, Object.keys(document(atBound.stdout))]).toStrictEqual([0, ["job_id", "reconciled", "instance_id", "status"]])
    } finally {
      await served.stop()
    }
  }, 60_000)
})

describe("dds-restore --version", () => {
  it("prints the version of the package", async () => {
    const result = await run(["--version"])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(packageVersion)
  })
})

describe("dds-restore --completions", () => {
  // Asks bash itself what the script completes: the words typed so far, the cursor on the last.
  const complete = (script: string, words: ReadonlyArray<string>): string => {
    const file = path.join(plans, "completions.bash")
    writeFileSync(file, script)
    const program = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ' +
      '_dds-restore_bash_completions dds-restore "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"; ' +
      'printf "%s\\n" "${COMPREPLY[@]}"'
    return spawnSync("bash", ["-c", program, "bash", file, ...words], { encoding: "utf8" }).stdout
  }

  it("bash: the commands, and each command's own options after it", async () => {
    const result = await run(["--completions", "bash"])
    expect(result.code).toBe(0)
    expect(complete(result.stdout, ["dds-restore", "pl"])).toBe("plan\n")
    expect(complete(result.stdout, ["dds-restore", "plan", "--i"])).toBe("--instance\n")
    expect(complete(result.stdout, ["dds-restore", "restore", "plan.json", "--reconcile"])).toBe("--reconcile-wait\n")
    expect(complete(result.stdout, ["dds-restore", "--pro"])).toBe("--project-id\n")
  })

  it("zsh and fish get their own scripts", async () => {
    const zsh = await run(["--completions", "zsh"])
    expect(zsh.code).toBe(0)
    expect(zsh.stdout.split("\n")[0]).toBe("#compdef dds-restore")
    const fish = await run(["--completions", "fish"])
    expect(fish.code).toBe(0)
    expect(fish.stdout).toContain(`complete -c dds-restore -n "__fish_seen_subcommand_from plan" -l instance`)
  })
})

describe("the bundled bin", () => {
  const program = path.join(root, "apps/demo/dist/dds-restore.cjs")
  const validPlan = "examples/collection-plan.json"

  // Node's own modules a run loaded, as Node lists them: the HTTP stack and the emulator cannot be
  // loaded without http, and fetch not without undici.
  const loaded = async (args: ReadonlyArray<string>): Promise<ReadonlyArray<string>> => {
    const preload = path.join(plans, "modules.mjs")
    writeFileSync(
      preload,
      'process.on("exit", () => process.stderr.write("\\nmodules: " + process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)).join(" ") + "\\n"))\n'
    )
    const result = await run(args, cleanEnv({ NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` }))
    expect(result.code).toBe(0)
    return /^modules: (.*)$/m.exec(result.stderr)?.[1]?.split(" ") ?? []
  }
  const network = (modules: ReadonlyArray<string>) =>
    modules.filter((name) => ["http", "https", "http2", "tls", "internal/deps/undici/undici"].includes(name))

  it("--help and validate load neither the HTTP stack nor the emulator; plan loads both", async () => {
    expect(network(await loaded(["--help"]))).toStrictEqual([])
    expect(network(await loaded(["validate", validPlan]))).toStrictEqual([])
    const plan = await loaded(["plan", "examples/database-plan.json", "--instance", demoInstance])
    expect(network(plan)).toContain("http")
    expect(network(plan)).toContain("internal/deps/undici/undici")
  })

  it("the first start writes a code cache, the next ones use it, and a damaged one is replaced", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "dds-restore-cache-"))
    const cache = path.join(home, ".cache/dds-restore")
    const env = cleanEnv({ HOME: home })
    const first = await run(["validate", validPlan], env)
    expect(first.code).toBe(0)
    const [file, ...others] = readdirSync(cache)
    expect(others).toStrictEqual([])
    expect(file).toMatch(new RegExp(`^[0-9a-f]{16}-fast-validate-${process.arch}-v8-.+\\.bin$`))
    const written = statSync(path.join(cache, file ?? ""))
    expect(written.size).toBeGreaterThan(100_000)

    // Accepted as it is: not written again.
    const second = await run(["validate", validPlan], env)
    expect(second.code).toBe(0)
    expect(second.stdout.split("\n").slice(0, 2)).toStrictEqual(first.stdout.split("\n").slice(0, 2))
    expect(statSync(path.join(cache, file ?? "")).mtimeMs).toBe(written.mtimeMs)

    // V8 refuses a damaged cache; the program runs all the same and writes a good one.
    writeFileSync(path.join(cache, file ?? ""), "not a code cache")
    const third = await run(["validate", validPlan], env)
    expect(third.code).toBe(0)
    expect(third.stdout.split("\n")[0]).toBe(`${validPlan}: a valid plan`)
    expect(statSync(path.join(cache, file ?? "")).size).toBeGreaterThan(100_000)
  })

  it("each command keeps a cache of its own, and a cache of another build is removed", async () => {
    const xdg = mkdtempSync(path.join(tmpdir(), "dds-restore-commands-"))
    const cache = path.join(xdg, "dds-restore")
    const env = cleanEnv({ XDG_CACHE_HOME: xdg })
    expect((await run(["validate", validPlan], env)).code).toBe(0)
    const [validate] = readdirSync(cache)
    const build = validate?.slice(0, 16) ?? "none"
    const stale = `0000000000000000-validate-${process.arch}-v8-${process.versions.v8}.bin`
    writeFileSync(path.join(cache, stale), "a cache of another build")
    expect((await run(["--help"], env)).code).toBe(0)
    expect((await run(["--completions", "bash"], env)).code).toBe(0)
    // An option's value before the command does not hide it.
    expect((await run(["--region", "cn-north-4", "windows", "--help"], env)).code).toBe(0)
    // --help and validate through the fast path (see FastPath.test.ts), the others through the full program.
    expect(readdirSync(cache).sort()).toStrictEqual(
      ["fast-help", "fast-validate", "main", "windows"].map((command) => `${build}-${command}-${process.arch}-v8-${process.versions.v8}.bin`)
    )
  })

  it("XDG_CACHE_HOME is where the cache goes when set, and a cache that cannot be written changes nothing", async () => {
    const xdg = mkdtempSync(path.join(tmpdir(), "dds-restore-xdg-"))
    expect((await run(["--version"], cleanEnv({ XDG_CACHE_HOME: xdg }))).code).toBe(0)
    expect(readdirSync(path.join(xdg, "dds-restore"))).toHaveLength(1)
    const notADirectory = path.join(xdg, "a-file")
    writeFileSync(notADirectory, "")
    const result = await run(["validate", validPlan], cleanEnv({ XDG_CACHE_HOME: notADirectory }))
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
  })

  it("the source map leads a position in the bundle back to our TypeScript, and runs with source maps on", async () => {
    const lines = readFileSync(program, "utf8").split("\n")
    const line = lines.findIndex((text) => text.includes(": a valid plan"))
    const column = lines[line]?.indexOf(": a valid plan") ?? -1
    const map = new SourceMap(JSON.parse(readFileSync(`${program}.map`, "utf8")) as SourceMapPayload)
    const entry = map.findEntry(line, column)
    expect("originalSource" in entry ? path.relative(root, path.resolve(path.dirname(program), entry.originalSource)) : entry)
      .toBe("apps/demo/src/handlers/Validate.ts")
    const mapped = await run(["validate", validPlan], cleanEnv({ NODE_OPTIONS: "--enable-source-maps" }))
    expect(mapped.code).toBe(0)
    expect(mapped.stdout.split("\n")[0]).toBe(`${validPlan}: a valid plan`)
  })
})

describe("dds-restore --help", () => {
  it("writes each command's page the build saved, exactly what @effect/cli renders without it", async () => {
    // The program alone, away from dist/help-pages.json: @effect/cli lays out every page itself.
    const bare = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-bare-")), "dds-restore.cjs")
    copyFileSync(path.join(root, "apps/demo/dist/dds-restore.cjs"), bare)
    const rendered = (args: ReadonlyArray<string>) => spawnSync(process.execPath, [bare, ...args], { cwd: root, env: cleanEnv(), encoding: "utf8" })
    const rootHelp = document((await run(["--help", "--json"])).stdout) as { readonly subcommands: ReadonlyArray<{ readonly name: string }> }
    const forms = [["--help"], ["-h"], ["--region", "cn-north-4", "windows", "--help"], ...rootHelp.subcommands.map((command) => [command.name, "--help"])]
    const pages = JSON.parse(readFileSync(path.join(root, "apps/demo/dist/help-pages.json"), "utf8")) as Record<string, string>
    expect(Object.keys(pages)).toHaveLength(1 + rootHelp.subcommands.length)
    for (const args of forms) {
      const [saved, renderedByCli] = [await run(args), rendered(args)]
      expect([args, saved.code, saved.stdout]).toStrictEqual([args, 0, renderedByCli.stdout])
      expect(saved.stdout).toContain("USAGE")
    }
  }, 120_000)

  it("names the demo instances and the relative times a plan file may use", async () => {
    const result = await run(["--help"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(demoInstance)
    expect(result.stdout).toContain("now-90m, now-2h, now-1d")
  })
})

describe("on a terminal", () => {
  it("restore --wait redraws one progress line with \\r, then ends it with a newline and the Completed line", async () => {
    const command = `${JSON.stringify(process.execPath)} apps/demo/dist/bin.js restore examples/collection-plan.json --instance ${demoInstance} --wait`
    const result = await shell(`script -qfec ${JSON.stringify(command)} /dev/null`)
    expect(result.code).toBe(0)
    // The terminal turns every "\n" into "\r\n".
    expect(result.stdout).toMatch(/\r\[[█░]{30}\] +\d+% Running {2}job [0-9a-f-]{36}/)
    expect(result.stdout).toMatch(/\r\[█{30}\] 100% Completed {2}job ([0-9a-f-]{36})\r\nCompleted: job \1 on dds-orders-demo \(.+\), ended .+\r\n$/)
  })
})
