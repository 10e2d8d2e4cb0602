// Builds the `dds-restore` bin: src/bin.ts and everything it imports (the workspace packages from
// their sources, effect, @effect/cli, @effect/platform-node) bundled by esbuild into one ESM file,
// dist/bin.js, with its source map (dist/bin.js.map) so that a stack trace names our files. Each
// command's handler is a dynamic import (src/Handler.ts): esbuild keeps it in the same file but
// evaluates it only when that command runs, so `--help` and `validate` do not run the client, the
// HTTP stack or the emulator.
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
  outfile: "dist/bin.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // The workspace packages are bundled from their TypeScript sources, as the tests run them.
  conditions: ["@dds-restore/source"],
  // Some dependencies are CommonJS and call require(); an ESM file has none of its own.
  banner: { js: 'import { createRequire as __ddsCreateRequire } from "node:module";\nconst require = __ddsCreateRequire(import.meta.url);' },
  sourcemap: "linked",
  sourcesContent: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning"
})
