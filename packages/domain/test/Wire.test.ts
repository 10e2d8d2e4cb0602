import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Wire } from "@dds-restore/domain"
import { fixture } from "./fixtures.js"

const decode = <A, I>(schema: Schema.Schema<A, I>, input: unknown) => Schema.decodeUnknownEither(schema)(input)

const decodeOk = <A, I>(schema: Schema.Schema<A, I>, input: unknown): A =>
  Either.getOrElse(decode(schema, input), (error) => {
    throw new Error(ParseResult.TreeFormatter.formatErrorSync(error))
  })

const withExtraField = (body: unknown): unknown => ({ ...(body as object), added_later_by_the_service: { any: 1 } })

describe("Wire: answers decode the reference's example bodies", () => {
  it("the restore answer gives the job id", () => {
    expect(decodeOk(Wire.RestoreResponse, fixture("restore-collections.response.json"))).toStrictEqual({
      job_id: "a03b1b8a-b756-467c-8a49-38720c3d23ec"
    })
  })

  it("a running job keeps its progress, its timestamps as sent, and drops a null fail_reason", () => {
    expect(decodeOk(Wire.JobResponse, fixture("job.response.json"))).toStrictEqual({
      job: {
        id: "a03b1b8a-b756-467c-8a49-38720c3d23ec",
        name: "MongodbRestoreTable",
        status: "Running",
        created: "2020-12-12T09:02:11+0000",
        ended: "",
        progress: "45%",
        instance: { id: "9136fd2a9fcd405ea4674276ce36dae8in02", name: "dds-orders-prod" }
      }
    })
  })

  it("a failed job without progress or ended keeps its fail_reason", () => {
    const failed = {
      id: "j",
      name: "MongodbRestoreTable",
      status: "Failed",
      created: "2020-12-12T09:02:11+0000",
      instance: { id: "i", name: "n" },
      fail_reason: "collection exists"
    }
    expect(decodeOk(Wire.Job, failed)).toStrictEqual(failed)
  })

  it("a job status outside Running, Completed and Failed is refused", () => {
    const body = fixture("job.response.json") as { job: object }
    const result = decode(Wire.JobResponse, { job: { ...body.job, status: "Paused" } })
    expect(Either.isLeft(result)).toBe(true)
  })

  it("the task list decodes its entries", () => {
    expect(decodeOk(Wire.TaskListResponse, fixture("tasks-v3.1.response.json"))).toStrictEqual({
      jobs: [
        {
          id: "a03b1b8a-b756-467c-8a49-38720c3d23ec",
          name: "MongodbRestoreTable",
          instance_id: "9136fd2a9fcd405ea4674276ce36dae8in02",
          instance_name: "dds-orders-prod",
          status: "Completed",
          progress: "",
          created_at: "2020-12-12T09:02:11+0000",
          ended_at: "2020-12-12T09:40:57+0000"
        }
      ],
      total_count: 1
    })
  })

  it("restorable windows are milliseconds as numbers", () => {
    expect(decodeOk(Wire.RestoreTimeResponse, fixture("restore-time.response.json"))).toStrictEqual({
      restore_time: [
        { start_time: 1607731200000, end_time: 1607756414000 },
        { start_time: 1607756825000, end_time: 1607761999000 },
        { start_time: 1607762943000, end_time: 1607817599000 }
      ]
    })
  })

  it("restorable databases and collections are plain strings", () => {
    expect(decodeOk(Wire.RestoreDatabasesResponse, fixture("restore-database.response.json"))).toStrictEqual({
      databases: ["test_db", "shop"],
      total_count: 2
    })
    expect(decodeOk(Wire.RestoreCollectionsResponse, fixture("restore-collection.response.json"))).toStrictEqual({
      collections: ["dds-test", "orders"],
      total_count: 2
    })
  })

  it("an instance keeps the fields a restore needs and drops the thirty others", () => {
    expect(decodeOk(Wire.InstancesResponse, fixture("instances.response.json"))).toStrictEqual({
      instances: [
        {
          id: "9136fd2a9fcd405ea4674276ce36dae8in02",
          name: "dds-orders-prod",
          status: "normal",
          mode: "ReplicaSet",
          datastore: { type: "DDS-Community", version: "4.0", whole_version: "4.0.3" },
          actions: [],
          region: "cn-north-4",
          port: "8635",
          engine: "wiredTiger",
          created: "2020-12-01T07:28:43",
          updated: "2020-12-12T08:00:00",
          time_zone: ""
        }
      ],
      total_count: 1
    })
  })

  it("an instance without actions has no running action", () => {
    const instance = decodeOk(Wire.Instance, {
      id: "i",
      name: "n",
      status: "normal",
      mode: "ReplicaSet",
      datastore: { type: "DDS-Community", version: "4.0" }
    })
    expect(instance.actions).toStrictEqual([])
  })

  it("the backup policy says whether incremental backup is on, false when absent", () => {
    expect(decodeOk(Wire.BackupPolicyResponse, fixture("backup-policy.response.json"))).toStrictEqual({
      backup_policy: { keep_days: 7, start_time: "23:00-00:00", period: "1,2,3,4,5,6,7", enable_incremental_backup: true }
    })
    expect(decodeOk(Wire.BackupPolicy, { keep_days: 7 })).toStrictEqual({ keep_days: 7, enable_incremental_backup: false })
  })

  it.each([
    ["restore-collections.response.json", Wire.RestoreResponse],
    ["job.response.json", Wire.JobResponse],
    ["tasks-v3.1.response.json", Wire.TaskListResponse],
    ["restore-time.response.json", Wire.RestoreTimeResponse],
    ["restore-database.response.json", Wire.RestoreDatabasesResponse],
    ["restore-collection.response.json", Wire.RestoreCollectionsResponse],
    ["instances.response.json", Wire.InstancesResponse],
    ["backup-policy.response.json", Wire.BackupPolicyResponse],
    ["error.response.json", Wire.ErrorBody]
  ] as const)("%s: a field the service adds later is accepted and dropped", (name, schema) => {
    const body = fixture(name)
    expect(decodeOk(schema as Schema.Schema<unknown, unknown>, withExtraField(body))).toStrictEqual(
      decodeOk(schema as Schema.Schema<unknown, unknown>, body)
    )
  })
})

describe("Wire: error bodies", () => {
  it("the service's form decodes to code and message", () => {
    expect(decodeOk(Wire.ErrorBody, fixture("error.response.json"))).toStrictEqual({
      code: "DBS.200001",
      message: "Parameter error."
    })
  })

  it("a gateway's body keeps its request id", () => {
    expect(decodeOk(Wire.ErrorBody, fixture("gateway-throttled.response.json"))).toStrictEqual({
      code: "APIGW.0308",
      message: "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 minute",
      request_id: "6c1d0d4e6b3a4c5e9f7a8b9c0d1e2f3a"
    })
    expect(decodeOk(Wire.ErrorBody, fixture("gateway-expired.response.json"))).toMatchObject({ code: "APIGW.0301" })
  })

  it("the { code, message } form decodes to the same shape", () => {
    expect(decodeOk(Wire.ErrorBody, { code: "APIGW.0303", message: "Incorrect app authentication information", request_id: "r1" }))
      .toStrictEqual({ code: "APIGW.0303", message: "Incorrect app authentication information", request_id: "r1" })
  })

  it("a body with neither form is refused", () => {
    expect(Either.isLeft(decode(Wire.ErrorBody, { error: "nope" }))).toBe(true)
  })

  it("encodes as the service's form", () => {
    expect(Schema.encodeSync(Wire.ErrorBody)({ code: "DBS.280443", message: "Too many requests", request_id: "r" })).toStrictEqual({
      error_code: "DBS.280443",
      error_msg: "Too many requests",
      request_id: "r"
    })
    expect(Schema.encodeSync(Wire.ErrorBody)({ code: "DBS.200002", message: "Instance not found" })).toStrictEqual({
      error_code: "DBS.200002",
      error_msg: "Instance not found"
    })
  })
})

describe("Wire: the restore request body", () => {
  it("decodes the reference's request and encodes it back with times as strings", () => {
    const body = decodeOk(Wire.RestoreRequestBody, fixture("restore-collections.request.json"))
    expect(body).toStrictEqual({
      restore_collections: [
        { database: "test", restore_database_time: 1607762955000 },
        {
          database: "shop",
          collections: [
            { old_name: "orders", new_name: "orders_20201212", restore_collection_time: 1607762955000 },
            { old_name: "customers", restore_collection_time: 1607762955000 }
          ]
        }
      ]
    })
    expect(Schema.encodeSync(Wire.RestoreRequestBody)(body)).toStrictEqual(fixture("restore-collections.request.json"))
  })

  it("accepts times sent as bare numbers, as the reference's examples do", () => {
    expect(decodeOk(Wire.RestoreRequestBody, { restore_collections: [{ database: "test", restore_database_time: 1607762955000 }] }))
      .toStrictEqual({ restore_collections: [{ database: "test", restore_database_time: 1607762955000 }] })
  })

  it("refuses an unknown field, with its path", () => {
    const result = decode(Wire.RestoreRequestBody, {
      restore_collections: [{ database: "shop", collections: [{ old_name: "orders", restore_colection_time: "1" }] }]
    })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(ParseResult.ArrayFormatter.formatErrorSync(result.left)).toContainEqual({
        _tag: "Unexpected",
        path: ["restore_collections", 0, "collections", 0, "restore_colection_time"],
        message: "is unexpected, expected: \"old_name\" | \"new_name\" | \"restore_collection_time\""
      })
    }
  })

  it("refuses a time that is not a string of digits", () => {
    const result = decode(Wire.RestoreRequestBody, { restore_collections: [{ database: "test", restore_database_time: "1607762955000.5" }] })
    expect(Either.isLeft(result)).toBe(true)
  })
})
