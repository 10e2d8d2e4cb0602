// The quick start's demo: builds the `dds-restore` command line and the packages it needs (turbo),
// then restores examples/collection-plan.json on the demo replica set of the embedded emulator
// (the fake service on 127.0.0.1, no cloud account) and follows the job until it is Completed.
// Exits with the command line's exit code.
//
// Usage: pnpm demo   (node scripts/demo.mjs)
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const run = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)))
  })

// turbo needs pnpm itself: under `pnpm demo` pnpm says where it is; run directly with node, the
// workspace's pinned pnpm is fetched by npx.
const pnpm = process.env.npm_execpath
const build = ["exec", "turbo", "run", "build", "--filter=@dds-restore/demo...", "--output-logs=errors-only"]
const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager
const built = pnpm !== undefined && /pnpm/.test(path.basename(pnpm))
  ? await run(process.execPath, [pnpm, ...build])
  : await run("npx", ["-y", pinned, ...build])
if (built !== 0) {
  console.error(`demo: the build failed (exit ${built}); see above.`)
  process.exit(built)
}

// The demo replica set's id comes from the fixture the embedded emulator serves.
const { DemoFixture } = await import(pathToFileURL(path.join(root, "packages/testing/dist/index.js")).href)
const args = ["restore", "examples/collection-plan.json", "--instance", DemoFixture.ordersInstanceId, "--wait"]
console.error(`demo: dds-restore ${args.join(" ")}`)
process.exitCode = await run(process.execPath, [path.join(root, "apps/demo/dist/bin.js"), ...args])
