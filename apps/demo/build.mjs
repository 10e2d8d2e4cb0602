// Builds the `dds-restore` bin. src/main.ts and everything it imports (the workspace packages from
// their sources, effect, @effect/cli, @effect/platform-node) are bundled by esbuild into one file,
// dist/dds-restore.cjs, with its source map so that stack traces can name our files. Each
// command's handler is a dynamic import (src/Handler.ts) that esbuild keeps lazy: its module, and
// the client, HTTP stack, emulator or testing kit it needs, run only when that command does, and
// the Node modules they use are required only then. dist/dds-restore-fast.cjs (src/fast.ts) is the
// fast path: --help, --version and validate without @effect/cli (src/FastPath.ts). dist/bin.js
// (src/bin.ts) chooses one of the two from the arguments and runs it with a V8 code cache per
// command, keyed by the bundles' hash and the command's name, both written into it here (the names
// from the program's own `--help --json`). dist/help-pages.json holds every command's text help as
// @effect/cli renders it (src/HelpPages.ts), which both programs write.
//
// Usage: node build.mjs   (pnpm build)
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { readFile, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, "dist")

await rm(dist, { recursive: true, force: true })
const common = {
  absWorkingDir: here,
  bundle: true,
  platform: "node",
  target: "node20",
  // The workspace packages are bundled from their TypeScript sources, as the tests run them.
  conditions: ["@dds-restore/source"],
  // libsql (the SQLite ledger's driver) loads a native binary from a platform package at run time:
  // it stays a package of its own (an optional dependency of this one), required only when an
  // SQLite ledger is opened. pg's optional native binding is never loaded.
  external: ["libsql", "pg-native"],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning"
}

await esbuild.build({
  ...common,
  entryPoints: ["src/main.ts"],
  outfile: "dist/dds-restore.cjs",
  // A script, as V8's code cache takes scripts only (see src/bin.ts).
  format: "cjs",
  sourcemap: "linked",
  sourcesContent: false
})


// Every command's help, from the program itself: its JSON document (the subcommands' names key the
// code cache, one per command) and its text as @effect/cli renders it, saved in help-pages.json
// under the command's usage (src/HelpPages.ts), which the program writes instead of laying it out
// again. The pages are made before the file exists, so @effect/cli renders each of them.
const program = (args) =>
  new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(dist, "dds-restore.cjs"), ...args],
      { encoding: "utf8", env: { PATH: process.env.PATH ?? "" }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`dds-restore ${args.join(" ")} failed: ${stderr}`)))
    )
  )
const pages = {}
const visit = async (names) => {
  const [json, text] = await Promise.all([program([...names, "--help", "--json"]), program([...names, "--help"])])
  const help = JSON.parse(json)
  pages[help.usage.join("\n")] = text.replace(/\n$/, "")
  const children = await Promise.all(help.subcommands.map((subcommand) => visit([...names, subcommand.name])))
  return [help, ...children.flat()]
}
const [help] = await visit([])
await writeFile(path.join(dist, "help-pages.json"), `${JSON.stringify(pages, null, 2)}\n`)
await writeFile(path.join(dist, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`)
const commands = JSON.stringify(help.subcommands.map((command) => command.name))
// The fast path (src/fast.ts): --help, --version and validate without @effect/cli, a program of its
// own with its own code caches, which bin.js starts for the arguments src/FastPath.ts recognises.
await esbuild.build({
  ...common,
  entryPoints: ["src/fast.ts"],
  outfile: "dist/dds-restore-fast.cjs",
  format: "cjs",
  sourcemap: "linked",
  sourcesContent: false,
  define: { DDS_RESTORE_COMMANDS: commands }
})
const build = createHash("sha256")
  .update(await readFile(path.join(dist, "dds-restore.cjs")))
  .update(await readFile(path.join(dist, "dds-restore-fast.cjs")))
  .digest("hex")
  .slice(0, 16)
await esbuild.build({
  ...common,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/bin.js",
  // A script as well: Node then starts it without setting up its ES module loader, which costs a
  // few milliseconds of every start. dist/package.json makes dist/bin.js one.
  format: "cjs",
  define: {
    DDS_RESTORE_BUILD: JSON.stringify(build),
    DDS_RESTORE_COMMANDS: commands
  }
})
