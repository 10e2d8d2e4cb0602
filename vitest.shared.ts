// Tests run against the TypeScript sources of the workspace packages, so no build is needed first.
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

export default defineProject({
  resolve: {
    alias: [
      {
        find: /^@dds-restore\/([a-z-]+)$/,
        replacement: path.join(root, "packages/$1/src/index.ts")
      },
      {
        // A subpath export names one module, e.g. @dds-restore/testing/DemoFixture.
        find: /^@dds-restore\/([a-z-]+)\/([A-Za-z]+)$/,
        replacement: path.join(root, "packages/$1/src/$2.ts")
      }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Failing assertions on Effect errors reported as themselves (see the file).
    setupFiles: [path.join(root, "vitest.setup.ts")],
    benchmark: { include: ["bench/**/*.bench.ts"] },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
