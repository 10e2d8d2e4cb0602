import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { RestorePlan, Wire } from "@dds-restore/domain"
import { call, conformance, describedPaths, description, fieldPaths, fullSample, leastSample, queryConformance } from "./contract.js"

// Every answer the client decodes, with the schema it decodes it with.
const answers: ReadonlyArray<readonly [string, Schema.Schema.Any]> = [
  ["RestoreInstanceFromCollection", Wire.RestoreResponse],
  ["ListRestoreTimes", Wire.RestoreTimeResponse],
  ["ListRestoreDatabases", Wire.RestoreDatabasesResponse],
  ["ListRestoreCollections", Wire.RestoreCollectionsResponse],
  ["ListInstances", Wire.InstancesResponse],
  ["ShowBackupPolicy", Wire.BackupPolicyResponse],
  ["ShowJobDetail", Wire.JobResponse],
  ["ListTasks", Wire.TaskListResponse]
]

const decodes = (schema: Schema.Schema.Any, value: unknown): string | undefined =>
  Either.match(Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)(value), {
    onLeft: (error) => ParseResult.TreeFormatter.formatErrorSync(error),
    onRight: () => undefined
  })

describe("Wire agrees with the official SDKs' models (docs/service/sdk-models.json)", () => {
  it("the description covers the eight calls dds-restore makes, each once", () => {
    expect(description.calls.map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      "POST /v3/{project_id}/instances/{instance_id}/restore/collections",
      "GET /v3/{project_id}/instances/{instance_id}/restore-time",
      "GET /v3/{project_id}/instances/{instance_id}/restore-database",
      "GET /v3/{project_id}/instances/{instance_id}/restore-collection",
      "GET /v3/{project_id}/instances",
      "GET /v3/{project_id}/instances/{instance_id}/backups/policy",
      "GET /v3/{project_id}/jobs",
      "GET /v3.1/{project_id}/jobs"
    ])
  })

  it.each(answers)("%s: every field Wire reads is a field of the model", (operation, schema) => {
    const described = new Set(describedPaths(call(operation).answer))
    expect(fieldPaths(schema).filter((path) => !described.has(path))).toStrictEqual([])
  })

  it.each(answers)("%s: Wire decodes an answer holding every field of the model, each of its type", (operation, schema) => {
    expect(decodes(schema, fullSample(call(operation).answer))).toBeUndefined()
  })

  it.each(answers)("%s: Wire decodes an answer holding only the model's required fields", (operation, schema) => {
    expect(decodes(schema, leastSample(call(operation).answer))).toBeUndefined()
  })

  it("Wire's error body reads the model's error body, and writes one the model describes", () => {
    expect(decodes(Wire.ErrorBody, fullSample(description.error))).toBeUndefined()
    const written = Schema.encodeSync(Wire.ErrorBody)({ code: "DBS.200001", message: "Parameter error", request_id: "r1" })
    expect(conformance(written, description.error)).toStrictEqual([])
  })

  it("the restore body Wire writes for every kind of entry is the model's body, times as strings of digits", () => {
    const plan = RestorePlan.make([
      RestorePlan.database("analytics", 1607762955000),
      RestorePlan.collections("shop", [
        RestorePlan.collection({ oldName: "orders", newName: "orders_fix", at: 1607762955000 }),
        RestorePlan.collection({ oldName: "carts", at: 1607762955001 })
      ])
    ])
    const described = call("RestoreInstanceFromCollection").body ?? { type: "object", fields: {} }
    expect(conformance(RestorePlan.encode(plan), described)).toStrictEqual([])
    expect(fieldPaths(Wire.RestoreRequestBody)).toStrictEqual(describedPaths(described))
  })

  it("the checks can fail: an unknown field, a missing one, a wrong type and an unknown query name are each named", () => {
    const answer = call("ListTasks").answer
    expect(conformance({ jobs: [{ id: 1, name: "n", instance_id: "i", status: "Done", created_at: "2026-11-30T14:24:53+0000", extra: true }] }, answer))
      .toStrictEqual([
        "$.jobs[0].extra: not in the description",
        "$.jobs[0].id: integer, described as string",
        `$.jobs[0].status: "Done", not one of Running, Completed, Failed`,
        "$.total_count: required, absent"
      ])
    expect(queryConformance(call("ListTasks"), [["start_time", "2026-11-30T14:24:53Z"], ["limit", "ten"], ["instance_id", "rs1"]])).toStrictEqual([
      `query start_time: "2026-11-30T14:24:53Z", not of the form ^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{4}$`,
      "query limit=ten: described as an integer",
      "query instance_id: not in the description of ListTasks",
      "query end_time: required by ListTasks, absent"
    ])
    expect(fieldPaths(Schema.Struct({ a: Schema.Struct({ b: Schema.Array(Schema.Struct({ c: Schema.Number })) }) })))
      .toStrictEqual(["a", "a.b", "a.b[].c"])
  })
})
