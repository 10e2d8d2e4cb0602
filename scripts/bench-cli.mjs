// How fast the `dds-restore` command line answers, as people and scripts start it: each command is
// started as a whole process (node, the bin, the command, its exit), several times after a warm-up,
// next to `node -e 0` in the same run, the cases interleaved round by round so that a busy machine
// slows them all alike. Prints, per case, the median wall time, its ratio to `node -e 0`'s and the
// peak memory (the largest maximum resident set size of its runs, from GNU time). The bin keeps a
// code cache in the user's cache directory, which the warm-up writes; one more case starts
// `validate` with an empty cache directory every time, as the first run after an install does.
//
// Usage: pnpm bench:cli [--skip-build] [--runs=N] [--warmup=N] [--bin=path/to/bin.js]
//   (builds the command line and the packages it needs first, unless --skip-build)
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const runs = Number(option("runs", "9"))
const warmup = Number(option("warmup", "2"))
const bin = path.resolve(root, option("bin", "apps/demo/dist/bin.js"))
const gnuTime = "/usr/bin/time"

if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) {
  console.error("bench:cli: --runs must be a whole number of at least 1 and --warmup at least 0")
  process.exit(1)
}
if (!existsSync(gnuTime)) {
  console.error(`bench:cli: ${gnuTime} (GNU time) is needed to read each process's peak memory; install the "time" package`)
  process.exit(1)
}

if (!args.includes("--skip-build")) {
  // turbo needs pnpm itself: under `pnpm bench:cli` pnpm says where it is, else npx fetches the pinned one.
  const pnpm = process.env.npm_execpath
  const build = ["exec", "turbo", "run", "build", "--filter=@dds-restore/demo...", "--output-logs=errors-only"]
  const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager
  const built = pnpm !== undefined && /pnpm/.test(path.basename(pnpm))
    ? spawnSync(process.execPath, [pnpm, ...build], { cwd: root, stdio: "inherit" })
    : spawnSync("npx", ["-y", pinned, ...build], { cwd: root, stdio: "inherit" })
  if (built.status !== 0) {
    console.error(`bench:cli: the build failed (exit ${built.status}); see above.`)
    process.exit(1)
  }
}
if (!existsSync(bin)) {
  console.error(`bench:cli: ${path.relative(root, bin)} does not exist; build it first (pnpm build)`)
  process.exit(1)
}

// The demo replica set of the embedded emulator, from the fixture it serves.
const { DemoFixture } = await import(pathToFileURL(path.join(root, "packages/testing/dist/index.js")).href)

const cases = [
  { name: "node -e 0", argv: ["-e", "0"] },
  { name: "--help", argv: [bin, "--help"] },
  { name: "validate examples/collection-plan.json", argv: [bin, "validate", "examples/collection-plan.json"] },
  { name: "validate, first start (no code cache yet)", argv: [bin, "validate", "examples/collection-plan.json"], fresh: true },
  {
    name: "plan examples/database-plan.json --instance ID (embedded emulator)",
    argv: [bin, "plan", "examples/database-plan.json", "--instance", DemoFixture.ordersInstanceId]
  }
]

// A clean environment: no cloud settings (so plan uses the embedded emulator) and an empty home.
const scratch = mkdtempSync(path.join(tmpdir(), "dds-restore-bench-"))
const env = { PATH: process.env.PATH ?? "", HOME: scratch }
const memoryFile = path.join(scratch, "time.txt")

/** One whole-process run: wall time in ms (measured here) and peak memory in MB (from GNU time). */
const once = ({ argv, fresh }) => {
  const cacheHome = fresh === true ? mkdtempSync(path.join(scratch, "cache-")) : undefined
  const start = process.hrtime.bigint()
  const child = spawnSync(gnuTime, ["-f", "%M", "-o", memoryFile, process.execPath, ...argv], {
    cwd: root,
    env: cacheHome === undefined ? env : { ...env, XDG_CACHE_HOME: cacheHome },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 16 * 1024 * 1024
  })
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  if (child.status !== 0) {
    console.error(`bench:cli: node ${argv.map((a) => path.relative(root, a) || a).join(" ")} exited ${child.status}\n${child.stderr}`)
    process.exit(1)
  }
  const kilobytes = Number(readFileSync(memoryFile, "utf8").trim().split("\n").pop())
  return { wall, memory: kilobytes / 1024 }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

try {
  for (let round = 0; round < warmup; round++) for (const c of cases) once(c)
  const samples = cases.map(() => [])
  for (let round = 0; round < runs; round++) cases.forEach((c, k) => samples[k].push(once(c)))

  const rows = cases.map((c, k) => ({
    name: c.name,
    wall: median(samples[k].map((s) => s.wall)),
    memory: Math.max(...samples[k].map((s) => s.memory))
  }))
  const baseline = rows[0].wall
  console.log(`dds-restore start-up: ${path.relative(root, bin)}, node ${process.version}, ${runs} runs after ${warmup} warm-up rounds`)
  console.log("")
  console.log(`| ${"case".padEnd(66)} | median wall | x node -e 0 | peak memory |`)
  console.log(`|${"-".repeat(68)}|------------:|------------:|------------:|`)
  for (const row of rows) {
    console.log(
      `| ${row.name.padEnd(66)} | ${`${row.wall.toFixed(0)} ms`.padStart(11)} | ${`${(row.wall / baseline).toFixed(2)}x`.padStart(11)} | ${
        `${row.memory.toFixed(1)} MB`.padStart(11)
      } |`
    )
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
