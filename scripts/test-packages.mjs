// Checks that every package works when taken alone, as a user gets it: packs each one with pnpm,
// installs the tarballs it needs with plain npm into a new project (third-party packages from the
// registry), imports it as ESM, type-checks a file that uses its types (NodeNext, skipLibCheck
// off) and runs it, under Node 20 and Node 22. Then runs examples/consumer's own tests, and installs
// the command line's tarball (apps/demo) alone to run `dds-restore --version` and `validate`.
//
// Node 20 installs the lowest version of every peer range (`^3.22.0` -> 3.22.0) and Node 22 the
// newest the range allows, so both ends of each declared range are tested, each type-checked with
// effect's declarations included. `--quick` (for a local run) type-checks on the floor install
// only, and compiles the Node 22 one without checking (`--noCheck`).
//
// Usage: node scripts/test-packages.mjs [--skip-build] [--quick] [--pack-only | --lint] [--only=domain,client] [--node=20,22]
//   --pack-only: build and pack into .tmp/packs/<folder>.tgz (what examples/consumer installs), then stop.
//   --lint: build, pack, and check each tarball with publint (--strict) and attw (ESM-only), then stop.
//   --only: the packages/ folders to test, and `demo` for the command line (all of them when not given).
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { availableParallelism } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { check, smokes } from "./package-smokes.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const work = path.join(root, ".tmp")
const packs = path.join(work, "packs")
const consumers = path.join(work, "consumers")
const tsc = path.join(root, "node_modules/typescript/bin/tsc")
const PNPM = "pnpm@10.34.9"

const args = process.argv.slice(2)
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const skipBuild = args.includes("--skip-build")
const packOnly = args.includes("--pack-only")
const lintOnly = args.includes("--lint")
const full = !args.includes("--quick")
const only = option("only")?.split(",")
const nodeMajors = (option("node") ?? "20,22").split(",")
const withDemo = !packOnly && !lintOnly && (only === undefined || only.includes("demo"))

const started = Date.now()
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1)

/** Runs a command; resolves with its output, rejects with it (and the command) when it fails. */
const run = (command, commandArgs, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${commandArgs.join(" ")} (in ${options.cwd ?? root}) exited ${code}\n${output}`)))
  })

// pnpm as the user invoked it (`pnpm test:packages`), else the pinned one through npx.
const pnpm = (pnpmArgs, options) =>
  process.env.npm_execpath?.includes("pnpm")
    ? run(process.execPath, [process.env.npm_execpath, ...pnpmArgs], options)
    : run("npx", ["-y", PNPM, ...pnpmArgs], options)

/** Runs `tasks` (functions returning promises) at most `limit` at a time; collects every failure. */
const pool = async (tasks, limit) => {
  const failures = []
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]
      try {
        await task()
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return failures
}

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    // Nothing implicit: whatever types the packages need must come through their own imports.
    types: [],
    outDir: "out"
  },
  include: ["*.ts"]
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

const manifests = new Map()

const readPackages = async () => {
  for (const folder of (await readdir(path.join(root, "packages"))).sort()) {
    const file = path.join(root, "packages", folder, "package.json")
    if (existsSync(file)) manifests.set(folder, JSON.parse(await readFile(file, "utf8")))
  }
}

const folderOf = (name) => [...manifests].find(([, m]) => m.name === name)?.[0]

/** The package and every workspace package it depends on, as folder names. */
const closure = (folder, into = new Set()) => {
  into.add(folder)
  for (const dependency of Object.keys(manifests.get(folder).dependencies ?? {})) {
    const inner = folderOf(dependency)
    if (inner !== undefined && !into.has(inner)) closure(inner, into)
  }
  return into
}

const floor = (name, range) => {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range)
  if (match === null) throw new Error(`the peer range ${name}@${range} is not ^x.y.z: teach scripts/test-packages.mjs its floor`)
  return match[1]
}

const compare = (a, b) => {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)]
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

/** Packs every package at once (pnpm applies publishConfig), under stable names: `<folder>.tgz`. */
const packAll = async () => {
  await rm(packs, { recursive: true, force: true })
  await mkdir(packs, { recursive: true })
  await pnpm(["--recursive", "--filter=./packages/*", "pack", "--pack-destination", packs])
  for (const [folder, manifest] of manifests) {
    const packed = `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`
    // examples/consumer depends on file:../../.tmp/packs/<folder>.tgz, whatever the version.
    await rename(path.join(packs, packed), path.join(packs, `${folder}.tgz`))
  }
}

/** What a user would find wrong in a tarball before even installing it. */
const inspect = async (folder) => {
  const tarball = path.join(packs, `${folder}.tgz`)
  const listing = (await run("tar", ["-tzf", tarball])).split("\n")
  const packed = JSON.parse(await run("tar", ["-xzOf", tarball, "package/package.json"]))
  const problems = []
  for (const needed of ["package/package.json", "package/README.md", "package/dist/index.js", "package/dist/index.d.ts"]) {
    if (!listing.includes(needed)) problems.push(`${needed} is missing`)
  }
  if (listing.some((file) => /\/(test|bench)\/|\.tsbuildinfo$/.test(file))) problems.push("tests, benchmarks or build info are packed")
  if (JSON.stringify(packed.exports).includes("@dds-restore/source")) problems.push("exports still point at the sources")
  if (JSON.stringify(packed).includes("workspace:")) problems.push("a workspace: range was not replaced")
  if (problems.length > 0) throw new Error(`${folder}.tgz: ${problems.join("; ")}`)
}

// The tarball, as published: pnpm has applied publishConfig and replaced workspace: ranges.
// ESM only by design, so attw ignores the CommonJS and node10 resolutions.
const lint = (folder) => async () => {
  const tarball = path.join(packs, `${folder}.tgz`)
  await run(path.join(root, "node_modules/.bin/publint"), ["run", tarball, "--strict"])
  await run(path.join(root, "node_modules/.bin/attw"), [tarball, "--profile", "esm-only", "--format", "ascii"])
  console.log(`  ok  publint and attw: ${manifests.get(folder).name}`)
}

const nodeBinaries = async () => {
  const binaries = new Map()
  for (const major of nodeMajors) {
    if (process.versions.node.split(".")[0] === major) {
      binaries.set(major, process.execPath)
    } else {
      const execPath = (await run("npx", ["-y", `node@${major}`, "-p", "process.execPath"])).trim().split("\n").pop()
      binaries.set(major, execPath)
    }
  }
  return binaries
}

const consumerTask = (folder, major, node) => async () => {
  const t0 = Date.now()
  const dir = path.join(consumers, `node${major}`, folder)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const manifest = manifests.get(folder)
  const dependencies = {}
  for (const inner of closure(folder)) dependencies[manifests.get(inner).name] = `file:${path.join(packs, `${inner}.tgz`)}`
  // The ranges every package of the closure asks for; the narrowest one (highest floor) rules.
  const peers = {}
  for (const inner of closure(folder)) {
    for (const [name, range] of Object.entries(manifests.get(inner).peerDependencies ?? {})) {
      if (peers[name] === undefined || compare(floor(name, range), floor(name, peers[name])) > 0) peers[name] = range
    }
  }
  for (const [name, range] of Object.entries(peers)) dependencies[name] = major === nodeMajors[0] ? floor(name, range) : range
  // Node's types of the Node under test, for a smoke that asks for them (the ledger's writes a file).
  dependencies["@types/node"] ??= `^${major}`
  await writeFile(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `consumer-of-${folder}`, private: true, type: "module", dependencies }, null, 2)
  )
  await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2))
  await writeFile(path.join(dir, "check.ts"), check)
  await writeFile(path.join(dir, "smoke.ts"), smokes[folder])
  // npm and tsc run on the Node under test: its directory goes first on the PATH.
  const env = { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], { cwd: dir, env })
  const installed = seconds(t0)
  const t1 = Date.now()
  const typeCheck = full || major === nodeMajors[0]
  await run(node, [tsc, "-p", "tsconfig.json", ...(typeCheck ? [] : ["--noCheck"])], { cwd: dir, env })
  const checked = `${typeCheck ? "tsc" : "tsc --noCheck"} ${seconds(t1)}s`
  const t2 = Date.now()
  await run(node, ["out/smoke.js"], { cwd: dir, env })
  const effect = JSON.parse(await readFile(path.join(dir, "node_modules/effect/package.json"), "utf8")).version
  console.log(
    `  ok  node ${major}  ${manifest.name.padEnd(30)} effect ${effect.padEnd(7)} install ${installed}s, ${checked}, run ${seconds(t2)}s`
  )
}

// The command line as users install it: its tarball alone (the bin and the one bundled program it
// runs, no dependencies), its bin run from the project's node_modules/.bin.
const demo = path.join(root, "apps/demo")

const packDemo = async () => {
  await pnpm(["--filter=@dds-restore/demo", "pack", "--pack-destination", packs])
  const manifest = JSON.parse(await readFile(path.join(demo, "package.json"), "utf8"))
  await rename(path.join(packs, `dds-restore-demo-${manifest.version}.tgz`), path.join(packs, "demo.tgz"))
  const packed = JSON.parse(await run("tar", ["-xzOf", path.join(packs, "demo.tgz"), "package/package.json"]))
  const listing = (await run("tar", ["-tzf", path.join(packs, "demo.tgz")])).split("\n")
  const problems = []
  if (Object.keys(packed.dependencies ?? {}).length > 0) problems.push("the bundled bin declares dependencies")
  for (const needed of ["package/dist/bin.js", "package/dist/dds-restore.cjs", "package/dist/dds-restore.cjs.map"]) {
    if (!listing.includes(needed)) problems.push(`${needed} is missing`)
  }
  if (listing.some((file) => /^package\/(src|test)\//.test(file))) problems.push("sources or tests are packed")
  if (problems.length > 0) throw new Error(`demo.tgz: ${problems.join("; ")}`)
  return manifest.version
}

const demoTask = (version, major, node) => async () => {
  const t0 = Date.now()
  const dir = path.join(consumers, `node${major}`, "demo")
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const dependencies = { "@dds-restore/demo": `file:${path.join(packs, "demo.tgz")}` }
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "uses-dds-restore", private: true, dependencies }, null, 2))
  const env = { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], { cwd: dir, env })
  const bin = path.join(dir, "node_modules/.bin/dds-restore")
  const reported = (await run(bin, ["--version"], { cwd: dir, env })).trim()
  if (reported !== version) throw new Error(`dds-restore --version printed ${JSON.stringify(reported)}, not ${version}`)
  const plan = path.join(root, "examples/collection-plan.json")
  const validated = await run(bin, ["validate", plan], { cwd: dir, env })
  if (!validated.startsWith(`${plan}: a valid plan\n`)) throw new Error(`dds-restore validate printed:\n${validated}`)
  console.log(`  ok  node ${major}  dds-restore (apps/demo)          --version and validate from its tarball in ${seconds(t0)}s`)
}

const exampleTask = (node) => async () => {
  const t0 = Date.now()
  const dir = path.join(root, "examples/consumer")
  const env = { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }
  await rm(path.join(dir, "node_modules"), { recursive: true, force: true })
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], { cwd: dir, env })
  await run("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"], { cwd: dir, env })
  await run("npx", ["vitest", "run"], { cwd: dir, env })
  console.log(`  ok  examples/consumer: npm install, tsc and vitest run in ${seconds(t0)}s`)
}

const main = async () => {
  await readPackages()
  const folders = [...manifests.keys()].filter((f) => only === undefined || only.includes(f))
  for (const folder of folders) {
    if (smokes[folder] === undefined) throw new Error(`no consumer for packages/${folder}: add one to scripts/package-smokes.mjs`)
  }

  if (!skipBuild) {
    const t = Date.now()
    const demoToo = withDemo ? ["--filter=@dds-restore/demo"] : []
    await pnpm(["exec", "turbo", "run", "build", "--filter=./packages/*", ...demoToo, "--output-logs=errors-only"])
    console.log(`built in ${seconds(t)}s`)
  }

  let t = Date.now()
  await packAll()
  const packFailures = await pool(folders.map((folder) => () => inspect(folder)), 2)
  if (packFailures.length > 0) throw new AggregateError(packFailures, "packing failed")
  console.log(`packed ${manifests.size} packages into ${path.relative(root, packs)} in ${seconds(t)}s`)
  if (packOnly) return
  if (lintOnly) {
    const lintFailures = await pool(folders.map(lint), availableParallelism())
    if (lintFailures.length > 0) throw new AggregateError(lintFailures, "publint or attw failed")
    return
  }

  const demoVersion = withDemo ? await packDemo() : undefined

  t = Date.now()
  const nodes = await nodeBinaries()
  // The longest task first, so that it does not run alone at the end.
  const tasks = only === undefined ? [exampleTask(nodes.get(nodeMajors[0]))] : []
  for (const [major, node] of nodes) {
    for (const folder of folders) tasks.push(consumerTask(folder, major, node))
    if (demoVersion !== undefined) tasks.push(demoTask(demoVersion, major, node))
  }
  console.log(`${tasks.length} consumers (Node ${[...nodes.keys()].join(" and ")}):`)
  // Installs wait on the network and tsc on the CPU: one more task than cores keeps both busy.
  const failures = await pool(tasks, availableParallelism() + 1)
  console.log(`consumers done in ${seconds(t)}s; total ${seconds(started)}s`)
  if (failures.length > 0) {
    for (const failure of failures) console.error(`\nFAILED: ${failure.message}`)
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(error instanceof AggregateError ? error.errors.map((e) => e.message).join("\n\n") : error)
  process.exitCode = 1
})
