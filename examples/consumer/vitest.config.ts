// Its own config, so that vitest does not pick up the monorepo's config two folders up.
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: { include: ["test/**/*.test.ts"] }
})
