// The command line's limits that restate the client library's (restated so that reading the
// arguments does not load the client): each equal to the client's own.
import { describe, expect, it } from "@effect/vitest"
import { RestoreClient } from "@dds-restore/client"
import * as Restore from "../src/commands/Restore.js"

describe("the limits the command line restates from the client", () => {
  it("--rate takes at least the client's own slowest request rate, 0.01 (one request every 100 seconds)", () => {
    expect(Restore.limits.minRate).toBe(RestoreClient.minRequestRate)
    expect(RestoreClient.minRequestRate).toBe(0.01)
  })
})
