// Builds the `dds-restore` bin. src/main.ts and everything it imports (the workspace packages from
// their sources, effect, @effect/cli, @effect/platform-node) are bundled by esbuild into one file,
// dist/dds-restore.cjs, with its source map so that stack traces can name our files. Each
// command's handler is a dynamic import (src/Handler.ts) that esbuild keeps lazy: its module, and
// the client, HTTP stack, emulator or testing kit it needs, run only when that command does, and
// the Node modules they use are required only then. dist/bin.js (src/bin.ts) runs the bundle with
// a V8 code cache per command, keyed by the bundle's hash and the command's name, both written into
// it here (the names from the program's own `--help --json`).
//
// Usage: node build.mjs   (pnpm build)
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFile, rm } from "node:fs/promises"
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

const build = createHash("sha256").update(await readFile(path.join(dist, "dds-restore.cjs"))).digest("hex").slice(0, 16)
// The subcommands' names, which key the code cache (one per command), from the program's own help.
const help = JSON.parse(
  execFileSync(process.execPath, [path.join(dist, "dds-restore.cjs"), "--help", "--json"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } })
)
await esbuild.build({
  ...common,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/bin.js",
  format: "esm",
  define: {
    DDS_RESTORE_BUILD: JSON.stringify(build),
    DDS_RESTORE_COMMANDS: JSON.stringify(help.subcommands.map((command) => command.name))
  }
})
