// The fast path (--help, --version and validate answered without @effect/cli) must answer exactly
// as the full program does: every argument list below is run through the bin users get
// (apps/demo/dist/bin.js, which takes the fast path for what src/FastPath.ts recognises) and
// through the full program alone (apps/demo/dist/dds-restore.cjs), and the two must write the same
// bytes on standard output and standard error and end with the same code.
import type { ChildProcess } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as FastPath from "../src/FastPath.js"
import { bin, cleanEnv, root, runScript, runScriptSlowly } from "./support.js"

const dist = path.join(root, "apps/demo/dist")

const files = mkdtempSync(path.join(tmpdir(), "dds-restore-fast-"))
const file = (name: string, content: string | Uint8Array): string => {
  const at = path.join(files, name)
  writeFileSync(at, content)
  return at
}
const validPlan = JSON.stringify({
  restore_collections: [
    {
      database: "shop",
      collections: [
        { old_name: "orders", new_name: "orders_restored", restore_collection_time: "2026-11-25T12:00:00Z" },
        { old_name: "customers", restore_collection_time: 1795000000000 }
      ]
    },
    { database: "analytics", restore_database_time: "2026-11-25T12:00:00.000+08:00" }
  ]
})
const valid = file("valid.json", validPlan)
const badJson = file("bad.json", "{ \"restore_collections\": [")
const notUtf8 = file("latin1.json", Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]))
const empty = file("empty.json", "")
const directory = path.join(files, "a-directory")
mkdirSync(directory)
const cache = path.join(files, "cache")

// The build has saved every command's help page (test/globalSetup.ts builds first), keyed by usage.
const pages = (): Readonly<Record<string, string>> =>
  JSON.parse(readFileSync(path.join(dist, "help-pages.json"), "utf8")) as Record<string, string>
const commands = Object.keys(pages()).map((usage) => usage.split(" ")[0] ?? "").filter((name) => name !== "dds-restore")

interface Case {
  readonly args: ReadonlyArray<string>
  /** Whether the fast path answers it (else the full program does, through the bin as well). */
  readonly fast: boolean
  readonly input?: string
}

const cases: ReadonlyArray<Case> = [
  { args: ["--help"], fast: true },
  { args: ["-h"], fast: true },
  ...commands.flatMap((command) => [{ args: [command, "--help"], fast: true }, { args: [command, "-h"], fast: true }]),
  { args: ["--help", "--json"], fast: false },
  { args: ["validate", "--help", "--json"], fast: false },
  { args: ["--help", "validate"], fast: false },
  { args: ["-h", "-h"], fast: false },
  { args: ["valdate", "--help"], fast: false },
  { args: ["--region", "cn-north-4", "windows", "--help"], fast: false },
  { args: ["validate", valid, "--help"], fast: false },
  { args: ["--version"], fast: true },
  { args: ["--version", "--json"], fast: true },
  { args: ["--json", "--version"], fast: true },
  { args: ["--version", "--version"], fast: false },
  { args: ["validate", "--version"], fast: false },
  { args: ["validate", valid], fast: true },
  { args: ["validate", valid, "--json"], fast: true },
  { args: ["validate", "--json", valid], fast: true },
  { args: ["validate", "examples/invalid-plan.json"], fast: true },
  { args: ["validate", "examples/invalid-plan.json", "--json"], fast: true },
  { args: ["validate", "no-such-plan.json"], fast: true },
  { args: ["validate", "--json", "no-such-plan.json"], fast: true },
  { args: ["validate", badJson], fast: true },
  { args: ["validate", badJson, "--json"], fast: true },
  { args: ["validate", notUtf8], fast: true },
  { args: ["validate", empty, "--json"], fast: true },
  { args: ["validate", directory], fast: true },
  { args: ["validate", "-"], fast: true, input: validPlan },
  { args: ["validate", "--json", "-"], fast: true, input: "[1, 2" },
  { args: ["validate"], fast: false },
  { args: ["validate", "--json"], fast: false },
  { args: ["validate", valid, valid], fast: false },
  { args: ["validate", valid, "--json", "--json"], fast: false },
  { args: ["validate", "--jsn", valid], fast: false },
  { args: ["validate", valid, "--jsn"], fast: false },
  { args: ["validate", "--json=true", valid], fast: false },
  { args: ["validate", "--", valid], fast: false },
  { args: ["validate", ""], fast: false },
  { args: ["Validate", valid], fast: false },
  { args: ["--endpoint", "http://127.0.0.1:1", "validate", valid], fast: false },
  { args: ["validate", valid, "--wizard"], fast: false },
  { args: [], fast: false }
]

describe("the fast path", () => {
  it("knows every command", () => {
    expect(commands).toHaveLength(8)
    expect(commands).toContain("validate")
  })

  it("is taken for exactly --help, --version and validate <file> with or without --json", () => {
    const saved = pages()
    expect(cases.filter((c) => (FastPath.route(c.args, commands, saved) !== undefined) !== c.fast).map((c) => c.args)).toStrictEqual([])
    expect(FastPath.route(["validate", "--json", "plan.json"], commands, {})).toStrictEqual({ _tag: "Validate", file: "plan.json", json: true })
    expect(FastPath.route(["--version", "--json"], commands, {})).toStrictEqual({ _tag: "Version", json: true })
    expect(FastPath.route(["plan", "-h"], commands, saved)).toStrictEqual({
      _tag: "Help",
      page: Object.entries(saved).find(([usage]) => usage.startsWith("plan "))?.[1]
    })
    // Without a saved page, @effect/cli renders the help.
    expect(FastPath.route(["--help"], commands, {})).toBe(undefined)
  })

  it("answers every case byte for byte as the full program does, exit code included", async () => {
    const env = cleanEnv({ XDG_CACHE_HOME: cache })
    const mismatches: Array<unknown> = []
    // Four cases at a time: the machine is shared.
    for (let at = 0; at < cases.length; at += 4) {
      await Promise.all(cases.slice(at, at + 4).map(async ({ args, input }) => {
        const [viaBin, full] = await Promise.all([
          runScript(bin, args, env, input ?? ""),
          runScript(path.join(dist, "dds-restore.cjs"), args, env, input ?? "")
        ])
        if (JSON.stringify(viaBin) !== JSON.stringify(full)) mismatches.push({ args, viaBin, full })
      }))
    }
    expect(mismatches).toStrictEqual([])
    // The fast cases did start the fast program: each kind saved its own code cache.
    const fastCaches = readdirSync(path.join(cache, "dds-restore")).flatMap((name) => /^[0-9a-f]{16}-fast-([a-z]+)-/.exec(name)?.[1] ?? [])
    expect(fastCaches.sort()).toStrictEqual(["help", "validate", "version"])
  }, 180_000)

  it("a plan with relative times reads the same through both, up to the moment each resolved them", async () => {
    const moments = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<iso>").replace(/\d{13}/g, "<ms>")
    for (const args of [["validate", "examples/collection-plan.json"], ["validate", "examples/collection-plan.json", "--json"]]) {
      const [viaBin, full] = await Promise.all([
        runScript(bin, args, cleanEnv(), ""),
        runScript(path.join(dist, "dds-restore.cjs"), args, cleanEnv(), "")
      ])
      expect(viaBin.code).toBe(0)
      expect({ ...viaBin, stdout: moments(viaBin.stdout) }).toStrictEqual({ ...full, stdout: moments(full.stdout) })
    }
  }, 60_000)

  it("an interruption while validate - reads standard input ends alike: 130 or 143, what was left on stderr and in --json", async () => {
    // Once the run reads standard input (its signal handlers are in place by then), a marker file
    // says so, and the test sends the signal.
    const reading = (marker: string) =>
      cleanEnv({
        NODE_OPTIONS: `--require=${
          file(
            `${path.basename(marker)}.cjs`,
            `process.stdin.once("resume", () => require("node:fs").writeFileSync(${JSON.stringify(marker)}, ""))\n`
          )
        }`
      })
    const interrupted = async (script: string, args: ReadonlyArray<string>, signal: NodeJS.Signals, marker: string) => {
      const children: Array<ChildProcess> = []
      try {
        return await runScript(script, args, reading(marker), "", (child) => {
          children.push(child)
          const poll = setInterval(() => {
            if (!existsSync(marker)) return
            clearInterval(poll)
            child.kill(signal)
          }, 20)
          child.on("close", () => clearInterval(poll))
        })
      } finally {
        for (const child of children) child.kill("SIGKILL")
      }
    }
    let n = 0
    for (const [args, signal] of [[["validate", "-"], "SIGINT"], [["validate", "--json", "-"], "SIGTERM"]] as const) {
      const [viaBin, full] = await Promise.all([
        interrupted(bin, args, signal, path.join(files, `reading-${n++}`)),
        interrupted(path.join(dist, "dds-restore.cjs"), args, signal, path.join(files, `reading-${n++}`))
      ])
      expect(viaBin.code).toBe(signal === "SIGINT" ? 130 : 143)
      expect(viaBin.stderr).toBe(`interrupted by ${signal}: nothing was submitted\n`)
      expect(viaBin).toStrictEqual(full)
    }
  }, 60_000)

  it("output larger than a pipe holds, read slowly, arrives whole before the process exits, through both", async () => {
    const collections = Array.from({ length: 2_000 }, (_, k) => ({ old_name: `c${k}`, restore_collection_time: "2026-11-25T12:00:00Z" }))
    const large = file("large.json", JSON.stringify({ restore_collections: [{ database: "shop", collections }] }))
    // The reader waits half a second before it reads anything: the writer fills the pipe and waits.
    const slowly = (child: ChildProcess) => {
      child.stdin?.end()
      child.stdout?.pause()
      setTimeout(() => child.stdout?.resume(), 500)
    }
    for (const args of [["validate", large], ["validate", large, "--json"]]) {
      const [viaBin, full] = await Promise.all([
        runScript(bin, args, cleanEnv(), "", slowly),
        runScript(path.join(dist, "dds-restore.cjs"), args, cleanEnv(), "", slowly)
      ])
      // More than a pipe holds (64 KiB).
      expect(viaBin.stdout.length).toBeGreaterThan(150_000)
      if (args.includes("--json")) {
        const plan = (JSON.parse(viaBin.stdout) as { plan: { restore_collections: ReadonlyArray<{ collections: ReadonlyArray<unknown> }> } }).plan
        expect(plan.restore_collections[0]?.collections).toHaveLength(2_000)
      } else {
        // The file's line, the database's, one per collection, and the last newline.
        expect(viaBin.stdout.split("\n")).toHaveLength(2_000 + 3)
      }
      expect(viaBin).toStrictEqual(full)
      expect(viaBin.code).toBe(0)
    }
  }, 60_000)

  it("output a little larger than a pipe holds, written line by line and read slowly: the process exits once it is written, through both", async () => {
    // About 8 KB more than the 64 KiB the pipe holds, in lines of about 100 bytes: no write leaves
    // 16 KiB queued, so Node never says `drain`; only the writes' own callbacks say when all is written.
    const collections = Array.from({ length: 740 }, (_, k) => ({ old_name: `c${k}`, restore_collection_time: "2026-11-25T12:00:00Z" }))
    const medium = file("medium.json", JSON.stringify({ restore_collections: [{ database: "shop", collections }] }))
    // A timer that holds Node's loop open (as a tool loaded with NODE_OPTIONS may): the process ends
    // only by exiting itself once its output is written, else it would wait for the timer. The
    // timer also says, with a marker file, when output is queued behind the full pipe.
    const holding = (marker: string) =>
      cleanEnv({
        NODE_OPTIONS: `--require=${
          file(
            `${path.basename(marker)}.cjs`,
            `setInterval(() => process.stdout.writableLength > 0 && require("node:fs").writeFileSync(${JSON.stringify(marker)}, ""), 10)\n`
          )
        }`
      })
    const children: Array<ChildProcess> = []
    // Read once output is queued (and a moment more, for the run to end); a process that did not
    // exit is killed after 30 s (its code -1), so that the test fails instead of waiting.
    const queued = (marker: string) => (child: ChildProcess) => {
      children.push(child)
      child.stdin?.end()
      const guard = setTimeout(() => child.kill("SIGKILL"), 30_000)
      child.on("close", () => clearTimeout(guard))
      return new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (!existsSync(marker)) return
          clearInterval(poll)
          setTimeout(resolve, 300)
        }, 20)
        child.on("close", () => {
          clearInterval(poll)
          resolve()
        })
      })
    }
    try {
      const [viaBin, full] = await Promise.all(
        [bin, path.join(dist, "dds-restore.cjs")].map((script, n) => {
          const marker = path.join(files, `queued-${n}`)
          return runScriptSlowly(script, ["validate", medium], holding(marker), queued(marker))
        })
      )
      expect(viaBin?.stdout.length).toBeGreaterThan(65_536)
      expect(viaBin?.stdout.length).toBeLessThan(65_536 + 16_384)
      // The file's line, the database's, one per collection, and the last newline.
      expect(viaBin?.stdout.split("\n")).toHaveLength(740 + 3)
      expect(viaBin).toStrictEqual(full)
      expect(viaBin?.code).toBe(0)
    } finally {
      for (const child of children) child.kill("SIGKILL")
    }
  }, 60_000)
})
