// The command line's limits that restate the client library's (restated so that reading the
// arguments does not load the client): each equal to the client's own.
import { describe, expect, it } from "@effect/vitest"
import { JobWatch, Reconcile, RestoreClient, RestoreLedger } from "@dds-restore/client"
import * as Duration from "effect/Duration"
import * as Restore from "../src/commands/Restore.js"
import * as IdArgument from "../src/IdArgument.js"
import * as Target from "../src/Target.js"

describe("the limits the command line restates from the client", () => {
  it("--rate takes at least the client's own slowest request rate, 0.01 (one request every 100 seconds)", () => {
    expect(Restore.limits.minRate).toBe(RestoreClient.minRequestRate)
    expect(RestoreClient.minRequestRate).toBe(0.01)
  })

  it("--instance, <job-id> and a line of --instances FILE take an id of at most the client's own longest, 64 characters", () => {
    expect(IdArgument.maxLength).toBe(RestoreClient.maxIdLength)
    expect(RestoreClient.maxIdLength).toBe(64)
  })

  it("--concurrency takes at most the client's own most restores of a batch at once, 64", () => {
    expect(Restore.limits.concurrency).toBe(RestoreClient.maxConcurrency)
    expect(RestoreClient.maxConcurrency).toBe(64)
  })

  it("--reconcile-wait, --wait-timeout and DDS_RESTORE_LEASE_TTL take the client's own bounds: 30m, 7d, 2s to 10m", () => {
    const pairs = [
      [Restore.limits.reconcileWait, Reconcile.maxWait],
      [Restore.limits.waitTimeout, JobWatch.maxTimeout],
      [Target.leaseTtlBounds.min, RestoreLedger.minLeaseTtl],
      [Target.leaseTtlBounds.max, RestoreLedger.maxLeaseTtl]
    ] as const
    expect(pairs.map(([restated, client]) => [Duration.format(restated), Duration.toMillis(restated) === Duration.toMillis(client)]))
      .toStrictEqual([["30m", true], ["7d", true], ["2s", true], ["10m", true]])
  })
})
