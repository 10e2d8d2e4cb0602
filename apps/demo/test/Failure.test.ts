import { describe, expect, it } from "@effect/vitest"
import { CallError, JobWatch, Reconcile, Transport } from "@dds-restore/client"
import { PlanError } from "@dds-restore/domain"
import * as Redacted from "effect/Redacted"
import * as Failure from "../src/Failure.js"

describe("how a failure ends a command", () => {
  it("each kind of failure has its exit code", () => {
    const service = new CallError.ServiceError({ status: 404, code: "DBS.200002", detail: "no instance", operation: "restore" })
    const lost = new Transport.TransportError({
      reason: "Connection",
      method: "POST",
      url: "http://127.0.0.1:1/v3/p/instances/i/restore/collections",
      mayHaveReachedServer: true,
      detail: "reset"
    })
    expect(Failure.exitCodeOf(new PlanError.PlanError({ issues: [] }))).toBe(1)
    expect(Failure.exitCodeOf(service)).toBe(2)
    expect(Failure.exitCodeOf(lost)).toBe(2)
    expect(Failure.exitCodeOf(new JobWatch.JobFailed({ jobId: "j", instanceId: "i", instanceName: "n" }))).toBe(3)
    expect(Failure.exitCodeOf(new Reconcile.RestoreOutcomeUnknown({ instanceId: "i", submittedAt: 0, searchedFrom: 0, error: lost })))
      .toBe(4)
    expect(Failure.exitCodeOf(new JobWatch.JobWaitTimeout({ jobId: "j", waitedMillis: 1000 }))).toBe(4)
    expect(Failure.exitCodeOf({ _tag: "Interrupted" })).toBe(130)
    expect(Failure.exitCodeOf({ _tag: "Defect" })).toBe(2)
  })

  it("the JSON document carries the tag, message, exit code and fields, nested errors as documents", () => {
    const lost = new Transport.TransportError({
      reason: "Timeout",
      method: "POST",
      url: "http://127.0.0.1:1/x",
      mayHaveReachedServer: true,
      detail: "no answer"
    })
    const unknown = new Reconcile.RestoreOutcomeUnknown({ instanceId: "i", submittedAt: 5, searchedFrom: 1, error: lost })
    expect(JSON.parse(JSON.stringify(Failure.toJson(unknown)))).toStrictEqual({
      error: {
        tag: "RestoreOutcomeUnknown",
        message: unknown.message,
        exit_code: 4,
        instanceId: "i",
        submittedAt: 5,
        searchedFrom: 1,
        error: {
          tag: "TransportError",
          message: lost.message,
          reason: "Timeout",
          method: "POST",
          url: "http://127.0.0.1:1/x",
          mayHaveReachedServer: true,
          detail: "no answer"
        }
      }
    })
  })

  it("a Redacted value never reaches the JSON, not even as <redacted>", () => {
    const secret = Redacted.make("DemoSecretAccessKey")
    expect(Failure.plain({ accessKeyId: "AK", secretAccessKey: secret, nested: [secret] })).toStrictEqual({
      accessKeyId: "AK",
      nested: []
    })
  })

  it("a plan's issues are listed one per line with their paths", () => {
    const error = new PlanError.PlanError({
      issues: [
        { path: ["restore_collections", 0, "database"], message: "reserved" },
        { path: [], message: "not JSON" }
      ]
    })
    expect(Failure.describe(error)).toBe("The plan is invalid (2 issues):\n  restore_collections[0].database: reserved\n  plan: not JSON")
  })
})
