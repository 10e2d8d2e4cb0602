// Builds the `dds-restore` bin: src/bin.ts and everything it imports (the workspace packages from
// their sources, effect, @effect/cli, @effect/platform-node) bundled by esbuild into one ESM entry
// file, dist/bin.js, with source maps so that a stack trace names our files. Each command's
// handler is a dynamic import (src/Handler.ts), which esbuild splits off into dist/chunks/: a
// command reads, compiles and runs only its own handler and what it needs, so `--help` and
// `validate` never load the client, the HTTP stack, the emulator or the testing kit. (One file
// holding the handlers too would evaluate them lazily as well, but every start would still parse
// all of them and keep their source in memory, several megabytes more at every start.)
//
// Usage: node build.mjs   (pnpm build)
import { rm } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, "dist")

await rm(dist, { recursive: true, force: true })
await esbuild.build({
  absWorkingDir: here,
  entryPoints: ["src/bin.ts"],
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // The workspace packages are bundled from their TypeScript sources, as the tests run them.
  conditions: ["@dds-restore/source"],
  sourcemap: "linked",
  sourcesContent: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning"
})
