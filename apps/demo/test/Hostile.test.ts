// The command line on a user's bad day and an attacker's good one (issue 13), as a subprocess of
// the built bin: a huge or endless plan file, bytes that are not UTF-8, a signal halfway through a
// restore. Each ends with a typed message, a bounded output and a non-zero exit code.
import { spawn } from "node:child_process"
import { execFileSync } from "node:child_process"
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type * as HelpDocument from "../src/HelpDocument.js"
import { bin, cleanEnv, demoCredentials, demoInstance, document, root, run, serve } from "./support.js"

const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-hostile-"))
const file = (name: string, content: string | Buffer): string => {
  const at = path.join(dir, name)
  writeFileSync(at, content)
  return at
}

const T = "1607762955000"

describe("a plan file is read within bounds", () => {
  it("a plan file over 16 MiB is refused before it is read", async () => {
    const big = path.join(dir, "big.json")
    writeFileSync(big, "")
    truncateSync(big, 17 * 1024 * 1024) // sparse: nothing to read, only a size
    const result = await run(["validate", big])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: The plan file ${big} could not be read: it is ${17 * 1024 * 1024} bytes, more than the 16777216 a plan file may hold. Check the path (relative to the current directory).\n`
    )
  })

  it("a FIFO as the plan file is refused at once, not waited on", async () => {
    const fifo = path.join(dir, "plan.fifo")
    execFileSync("mkfifo", [fifo])
    const result = await run(["validate", fifo])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `The plan file ${fifo} could not be read: it is not a regular file (a FIFO, a device or a socket); give a file, or - for standard input.`
    )
  })

  it("- reads the plan from standard input", async () => {
    const plan = JSON.stringify({ restore_collections: [{ database: "shop", restore_database_time: T }] })
    const result = await withInput(["validate", "--json", "-"], plan)
    expect(result.code).toBe(0)
    expect(document(result.stdout)).toMatchObject({ valid: true })
  })

  it("a plan file with bytes that are not UTF-8 is refused with the offset of the first one", async () => {
    const before = `{"restore_collections":[{"database":"caf`
    const bad = file("latin1.json", Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(`","restore_database_time":"${T}"}]}`)]))
    const result = await run(["validate", bad])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The plan file ${bad} could not be read: it is not UTF-8 text: the byte at offset ${before.length} is not valid UTF-8.`)
  })

  it("a 2 MB plan of a million invalid entries: 100 issues shown, all counted, one bounded JSON document", async () => {
    const million = file("million.json", `{"restore_collections":[${Array.from({ length: 1_000_000 }, () => "1").join(",")}]}`)
    const text = await run(["validate", million])
    expect(text.code).toBe(1)
    const lines = text.stderr.trimEnd().split("\n")
    expect(lines[0]).toBe("The plan is invalid (1000000 issues):")
    expect(lines).toHaveLength(102)
    expect(lines[101]).toBe("  and 999900 more issues")
    const json = await run(["validate", million, "--json"])
    expect(json.code).toBe(1)
    const error = document(json.stdout)["error"] as { readonly count: number; readonly issues: ReadonlyArray<unknown> }
    expect([error.count, error.issues.length]).toStrictEqual([1_000_000, 100])
    expect(json.stdout.length).toBeLessThan(50_000)
  })
})

describe("the terminal gets no control character from a plan", () => {
  it("names holding escape sequences are printed escaped", async () => {
    const plan = file("escapes.json", JSON.stringify({
      restore_collections: [{
        database: "shop\u001b]0;owned\u0007",
        collections: [{ old_name: "a\u001b[2J\u009b31m\u202ered", restore_collection_time: T }]
      }]
    }))
    const result = await run(["validate", plan])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("  restore_collections[0]: database shop\\u001b]0;owned\\u0007, 1 collection\n")
    expect(result.stdout).toContain("    a\\u001b[2J\\u009b31m\\u202ered -> a\\u001b[2J\\u009b31m\\u202ered_bak_<ms>")
    // eslint-disable-next-line no-control-regex -- what the terminal must not receive
    expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(result.stdout + result.stderr)).toBe(false)
  })
})

describe("the built-in options answer in one document under --json, and the wizard does not wait on no terminal", () => {
  it("--version --json is one document", async () => {
    const result = await run(["--version", "--json"])
    expect(result.code).toBe(0)
    expect(document(result.stdout)).toStrictEqual({ name: "dds-restore", version: "0.0.0" })
  })

  it("--completions bash --json is one document holding the script", async () => {
    const result = await run(["--completions", "bash", "--json"])
    expect(result.code).toBe(0)
    const completions = document(result.stdout) as { readonly shell: string; readonly script: string }
    expect(completions.shell).toBe("bash")
    expect(completions.script).toContain("dds-restore")
  })

  it("--wizard with standard input that is not a terminal is refused at once", async () => {
    const result = await withInput(["--wizard", "--json"], "")
    expect(result.code).toBe(1)
    expect(document(result.stdout)).toMatchObject({ error: { tag: "InvalidOption", exit_code: 1 } })
    expect(result.stderr).toContain("error: --wizard asks its questions on a terminal, and standard input is not one")
  })
})

const withInput = (args: ReadonlyArray<string>, input: string) => run(args, cleanEnv(), input)

describe("--help --json is one document, derived from the help @effect/cli prints", () => {
  // The subcommands the text help lists: "  - <name> <usage>  <description>".
  const listed = (text: string) => [...text.matchAll(/^ {2}- (\S+) /gm)].map((match) => match[1])

  it("the root's help: its usage, description, options and every subcommand the text lists", async () => {
    const [json, text] = await Promise.all([run(["--help", "--json"]), run(["--help"])])
    expect(json.code).toBe(0)
    expect(json.stderr).toBe("")
    const help = document(json.stdout) as unknown as HelpDocument.Document
    expect(help.command).toBe("dds-restore")
    expect(help.usage).toStrictEqual(["dds-restore [--endpoint URL] [--region REGION] [--project-id ID] [--ledger PATH|URL]"])
    expect(text.stdout).toContain(`$ ${help.usage[0]}\n`)
    expect(help.description[0]).toBe(
      "Validate, plan, submit and follow point-in-time restores of DDS (MongoDB-compatible) databases and collections."
    )
    expect(help.options.map((option) => option.name)).toStrictEqual(["--endpoint URL", "--region REGION", "--project-id ID", "--ledger PATH|URL"])
    expect(help.subcommands.map((command) => command.name)).toStrictEqual(listed(text.stdout))
    expect(help.subcommands.find((command) => command.name === "validate")).toStrictEqual({
      name: "validate",
      usage: "validate [--json] <plan.json>",
      description: "Read and check a plan file, offline: every issue is printed with its path (exit 1 when invalid)."
    })
  })

  it("a subcommand's help (-h too): its arguments and options with their descriptions, no subcommands", async () => {
    const result = await run(["plan", "-h", "--json"])
    expect(result.code).toBe(0)
    const help = document(result.stdout) as unknown as HelpDocument.Document
    expect(help.command).toBe("plan")
    expect(help.usage).toStrictEqual(["plan --instance ID [--json] [--endpoint URL] [--region REGION] [--project-id ID] [--ledger PATH|URL] <plan.json>"])
    expect(help.arguments).toStrictEqual([{
      name: "<plan.json>",
      description: ["A user-defined piece of text.", "A plan file: the restore call's body, times as epoch ms, ISO-8601 with a zone, or now-2h style"]
    }])
    expect(help.options.find((option) => option.name === "--json")).toStrictEqual({
      name: "--json",
      description: [
        "A true or false value.",
        "Write exactly one JSON document on standard output (errors included); text for people stays on standard error",
        "This setting is optional."
      ]
    })
    expect(help.subcommands).toStrictEqual([])
  })

  it("without --json the help stays @effect/cli's text", async () => {
    const result = await run(["plan", "--help"])
    expect(result.code).toBe(0)
    expect(() => JSON.parse(result.stdout)).toThrow()
    expect(result.stdout).toContain("$ plan --instance ID [--json]")
  })
})

// A defect cannot be reached by any input the program accepts (each one found so far was fixed),
// so these runs make Node itself fail under the bin, through Node's own --require, from a file of
// the test's: nothing in the program ships to allow it.
describe("a defect is reported as a defect: exit 2, never a silent exit", () => {
  const preload = (name: string, code: string) => cleanEnv({ NODE_OPTIONS: `--require=${file(name, code)}` })
  const prefix = "dds-restore failed unexpectedly (a defect of this program; please report it): "

  // Standard output refuses the first write, as a command writes its result.
  const brokenWrite = () =>
    preload(
      "first-write-throws.cjs",
      `const write = process.stdout.write
process.stdout.write = function () {
  process.stdout.write = write
  throw new TypeError("standard output refused a write")
}
`
    )

  it("a throw inside a command, with --json: one document saying it is a defect", async () => {
    const result = await run(["validate", "examples/collection-plan.json", "--json"], brokenWrite())
    expect(result.code).toBe(2)
    const message = `${prefix}TypeError: standard output refused a write`
    expect(document(result.stdout)).toStrictEqual({ error: { tag: "Defect", message, exit_code: 2 } })
    expect(result.stderr).toBe(`error: ${message}\n`)
  })

  it("a throw inside a command, without --json: a short message on standard error", async () => {
    const result = await run(["validate", "examples/collection-plan.json"], brokenWrite())
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toBe(`error: ${prefix}TypeError: standard output refused a write\n`)
  })

  it("standard output's reader going away (EPIPE, as with | head) is no defect: exit 141, quietly", async () => {
    const child = spawn(process.execPath, [bin, "validate", "examples/collection-plan.json"], { cwd: root, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] })
    try {
      child.stdout.destroy()
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
      expect([code, stderr]).toStrictEqual([141, ""])
    } finally {
      child.kill("SIGKILL")
    }
  }, 30_000)

  it("a throw outside any command (a callback of Node's) while a command waits: the same, exit 2", async () => {
    const env = preload("timer-throws.cjs", `setTimeout(() => { throw new RangeError("thrown from a timer") }, 200)\n`)
    // validate - waits for standard input, which stays open: the timer fires during the run.
    const child = spawn(process.execPath, [bin, "validate", "--json", "-"], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] })
    try {
      let stdout = ""
      let stderr = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
      const message = `${prefix}RangeError: thrown from a timer`
      expect(code).toBe(2)
      expect(document(stdout)).toStrictEqual({ error: { tag: "Defect", message, exit_code: 2 } })
      expect(stderr).toBe(`error: ${message}\n`)
    } finally {
      child.kill("SIGKILL")
    }
  }, 30_000)
})

// Starts `restore --wait --json` against an emulator whose jobs run long, waits for the submission,
// and sends the signal.
const interrupted = async (signal: "SIGINT" | "SIGTERM") => {
  const emulator = await serve(["--job-duration", "10m"])
  try {
    const plan = "examples/database-plan.json"
    return await new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [bin, "restore", plan, "--instance", demoInstance, "--wait", "--json", "--endpoint", emulator.url],
        { cwd: root, env: demoCredentials(), stdio: ["ignore", "pipe", "pipe"] }
      )
      let stdout = ""
      let stderr = ""
      let sent = false
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
        if (!sent && /submitted: job /.test(stderr)) {
          sent = true
          setTimeout(() => child.kill(signal), 300)
        }
      })
      child.on("error", reject)
      child.on("close", (code) => resolve({ code, stdout, stderr }))
    })
  } finally {
    await emulator.stop()
  }
}

// Starts `restore` against an emulator that carries the restore out at once but holds its answer
// back for 5 s, and sends SIGINT as soon as the emulator holds the job: the POST is in flight.
const interruptedSubmitting = async (json: boolean) => {
  const emulator = await serve(["--faults", "delay-restore-answer=5s"])
  const child = spawn(
    process.execPath,
    [bin, "restore", "examples/database-plan.json", "--instance", demoInstance, "--endpoint", emulator.url, ...(json ? ["--json"] : [])],
    { cwd: root, env: demoCredentials(), stdio: ["ignore", "pipe", "pipe"] }
  )
  try {
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve))
    let jobs = 0
    for (let polls = 0; jobs === 0 && polls < 400; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      const state = await fetch(`${emulator.url}/_emulator/state`).then((answer) => answer.json() as Promise<{ readonly jobs: ReadonlyArray<unknown> }>)
      jobs = state.jobs.length
    }
    expect(jobs).toBe(1)
    child.kill("SIGINT")
    const code = await closed
    return { code, stdout, stderr }
  } finally {
    child.kill("SIGKILL")
    await emulator.stop()
  }
}

describe("a restore interrupted while it is being submitted says it may have started", () => {
  const message =
    `interrupted by SIGINT while submitting a restore on instance ${demoInstance}: it may or may not have started; ` +
    "look for it in the instance's restore tasks before submitting again"

  it("SIGINT with the POST in flight exits 130 and says so on stderr", async () => {
    const result = await interruptedSubmitting(false)
    expect(result.code).toBe(130)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(`${message}\n`)
    expect(result.stderr).not.toContain("submitted: job")
  }, 60_000)

  it("with --json, one document saying so", async () => {
    const result = await interruptedSubmitting(true)
    expect(result.code).toBe(130)
    expect(document(result.stdout)).toStrictEqual({
      error: { tag: "Interrupted", message, exit_code: 130, signal: "SIGINT", state: "Submitting", instance_id: demoInstance }
    })
  }, 60_000)
})

describe("an interrupted restore says what it left, and never exits 0", () => {
  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s during restore --wait --json exits %i with the job id on stderr and in one JSON document", async (signal, code) => {
    const result = await interrupted(signal)
    expect(result.code).toBe(code)
    const jobId = /submitted: job (\S+) on instance/.exec(result.stderr)?.[1] ?? "none"
    expect(result.stderr).toContain(
      `interrupted by ${signal}: job ${jobId} on instance ${demoInstance} was submitted and goes on without this command; follow it with: dds-restore job ${jobId} --wait`
    )
    expect(document(result.stdout)).toStrictEqual({
      error: {
        tag: "Interrupted",
        message: `interrupted by ${signal}: job ${jobId} on instance ${demoInstance} was submitted and goes on without this command; follow it with: dds-restore job ${jobId} --wait`,
        exit_code: code,
        signal,
        state: "Submitted",
        instance_id: demoInstance,
        job_id: jobId
      }
    })
  }, 60_000)
})
