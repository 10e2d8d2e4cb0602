import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Tracer from "effect/Tracer"
import { RestorePlan, Wire } from "@dds-restore/domain"
import type { CallError } from "@dds-restore/client"
import { RestoreClient } from "@dds-restore/client"
import { client, counting, endpoint, fixture, instanceId, json, only, projectId, recording, restoring } from "./support.js"

const base = `${endpoint}/v3/${projectId}`

describe("RestoreClient requests", () => {
  it.effect("restore POSTs the encoded plan as JSON and gives the job id", () => {
    const transport = restoring(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const plan = yield* RestorePlan.decode(JSON.parse(fixture("restore-collections.request.json")))
      const submission = yield* (yield* RestoreClient.RestoreClient).restore(instanceId, plan, { preflight: false })
      // The instance's restore tasks were read first: the before set its lost answer would be settled against.
      expect(only(transport.reads).url).toBe(`${endpoint}/v3.1/${projectId}/jobs`)
      expect(submission).toStrictEqual({ jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false })
      const request = only(transport.requests)
      expect(request.method).toBe("POST")
      expect(request.url).toBe(`${base}/instances/${instanceId}/restore/collections`)
      expect(request.query).toStrictEqual([])
      expect(request.headers).toStrictEqual({
        "x-project-id": projectId,
        "x-language": "en-us",
        "content-type": "application/json"
      })
      expect(JSON.parse(request.body)).toStrictEqual(JSON.parse(fixture("restore-collections.request.json")))
      expect(request.body).toBe(JSON.stringify(RestorePlan.encode(plan)))
    }).pipe(Effect.provide(client(transport.layer, undefined, { language: "en-us" })))
  })

  it.effect("a plan built in code that breaks a rule is refused with the domain's PlanError, nothing sent", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const entry = RestorePlan.database("shop", 1607762955000)
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).restore(instanceId, RestorePlan.make([entry, entry])))
      expect(error._tag).toBe("PlanError")
      expect(transport.requests).toHaveLength(0)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("job reads /jobs?id= and decodes the job", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("job.response.json"))))
    return Effect.gen(function*() {
      const job = yield* (yield* RestoreClient.RestoreClient).job("a03b1b8a-b756-467c-8a49-38720c3d23ec")
      // Exactly the answer's job as the domain's Wire reads it (domain's Wire test pins every field).
      expect(job).toStrictEqual(Schema.decodeUnknownSync(Wire.JobResponse)(JSON.parse(fixture("job.response.json"))).job)
      expect([job.id, job.status, job.progress, job.instance]).toStrictEqual([
        "a03b1b8a-b756-467c-8a49-38720c3d23ec",
        "Running",
        "45%",
        { id: instanceId, name: "dds-orders-prod" }
      ])
      const request = only(transport.requests)
      expect([request.method, request.url, request.query, request.body]).toStrictEqual([
        "GET",
        `${base}/jobs`,
        [["id", "a03b1b8a-b756-467c-8a49-38720c3d23ec"]],
        ""
      ])
      expect(request.headers).toStrictEqual({ "x-project-id": projectId })
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restorableTimes reads one UTC day's windows", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-time.response.json"))))
    return Effect.gen(function*() {
      const windows = yield* (yield* RestoreClient.RestoreClient).restorableTimes(instanceId, "2020-12-12")
      expect(windows).toStrictEqual([
        { start_time: 1607731200000, end_time: 1607756414000 },
        { start_time: 1607756825000, end_time: 1607761999000 },
        { start_time: 1607762943000, end_time: 1607817599000 }
      ])
      expect(transport.requests.map((r) => [r.method, r.url, r.query])).toStrictEqual([
        ["GET", `${base}/instances/${instanceId}/restore-time`, [["date", "2020-12-12"]]]
      ])
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restorableTimes refuses a day that is not YYYY-MM-DD or not on the calendar, before sending", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-time.response.json"))))
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      for (const day of ["2021-02-30", "12/12/2020", "2020-12-12T00:00:00Z", ""]) {
        const error = yield* Effect.flip(restoreClient.restorableTimes(instanceId, day))
        expect(error._tag).toBe("InvalidArgument")
        expect(error.message).toContain("YYYY-MM-DD")
      }
      expect(transport.requests).toHaveLength(0)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restorableDatabases walks a 250-database listing in 3 pages of at most 100", () => {
    const all = Array.from({ length: 250 }, (_, i) => `db_${i}`)
    const transport = recording((request) => {
      const offset = Number(request.query.find(([k]) => k === "offset")?.[1])
      const limit = Number(request.query.find(([k]) => k === "limit")?.[1])
      return Effect.succeed(json(200, JSON.stringify({ databases: all.slice(offset, offset + limit), total_count: 250 })))
    })
    return Effect.gen(function*() {
      const databases = yield* (yield* RestoreClient.RestoreClient).restorableDatabases(instanceId, 1607762955000)
      expect(databases).toStrictEqual(all)
      expect(transport.requests.map((r) => [r.url, r.query])).toStrictEqual(
        [0, 100, 200].map((offset) => [
          `${base}/instances/${instanceId}/restore-database`,
          [["restore_time", "1607762955000"], ["offset", String(offset)], ["limit", "100"]]
        ])
      )
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restorableDatabases decodes the example answer in one page", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-database.response.json"))))
    return Effect.gen(function*() {
      expect(yield* (yield* RestoreClient.RestoreClient).restorableDatabases(instanceId, 1607762955000)).toStrictEqual([
        "test_db",
        "shop"
      ])
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a listing whose pages run dry before its total is refused, not walked forever", () => {
    const transport = recording(() => Effect.succeed(json(200, JSON.stringify({ databases: [], total_count: 5 }), "req-dry")))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).restorableDatabases(instanceId, 1607762955000))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error._tag === "ResponseDecodeError" && [error.requestId, error.issue]).toStrictEqual([
        "req-dry",
        "total_count says 5 but the page at offset 0 is empty"
      ])
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a listing whose total keeps growing stops after the page bound", () => {
    const transport = recording((_, index) =>
      Effect.succeed(json(200, JSON.stringify({ databases: [`db_${index}`], total_count: index + 2 })))
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).restorableDatabases(instanceId, 1607762955000))
      expect(error._tag === "ResponseDecodeError" && error.issue).toBe("the listing did not end after 1000 pages (total_count 1001)")
      expect(transport.requests).toHaveLength(1000)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restorableCollections sends the database and the time, and decodes the collections", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-collection.response.json"))))
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      expect(yield* restoreClient.restorableCollections(instanceId, "shop", 1607762955000)).toStrictEqual(["dds-test", "orders"])
      expect(transport.requests.map((r) => [r.method, r.url, r.query])).toStrictEqual([
        [
          "GET",
          `${base}/instances/${instanceId}/restore-collection`,
          [["db_name", "shop"], ["restore_time", "1607762955000"], ["offset", "0"], ["limit", "100"]]
        ]
      ])
      const badName = yield* Effect.flip(restoreClient.restorableCollections(instanceId, "a.b", 1607762955000))
      expect(badName._tag === "InvalidArgument" && badName.argument).toBe("database")
      const badTime = yield* Effect.flip(restoreClient.restorableCollections(instanceId, "shop", 1.5))
      expect(badTime._tag === "InvalidArgument" && badTime.argument).toBe("at")
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("instance reads /instances?id= and picks the instance", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("instances.response.json"))))
    return Effect.gen(function*() {
      const instance = yield* (yield* RestoreClient.RestoreClient).instance(instanceId)
      expect([instance.id, instance.name, instance.status, instance.mode, instance.datastore.version, instance.actions])
        .toStrictEqual([instanceId, "dds-orders-prod", "normal", "ReplicaSet", "4.0", []])
      expect(transport.requests.map((r) => [r.method, r.url, r.query])).toStrictEqual([
        ["GET", `${base}/instances`, [["id", instanceId]]]
      ])
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("instance fails with InstanceNotFound on an empty list or the service's not-found code", () => {
    const transport = recording((_, index) =>
      Effect.succeed(
        index === 0
          ? json(200, JSON.stringify({ instances: [], total_count: 0 }), "req-empty")
          : json(404, JSON.stringify({ error_code: "DBS.200002", error_msg: "The instance does not exist." }), "req-404")
      )
    )
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const empty = yield* Effect.flip(restoreClient.instance("abc123in02"))
      expect(empty).toMatchObject({ _tag: "InstanceNotFound", instanceId: "abc123in02", requestId: "req-empty" })
      const missing = yield* Effect.flip(restoreClient.instance("abc123in02"))
      expect(missing).toMatchObject({ _tag: "InstanceNotFound", instanceId: "abc123in02", requestId: "req-404" })
      expect(missing.message).toContain("check the instance id")
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("backupPolicy reads the instance's policy", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("backup-policy.response.json"))))
    return Effect.gen(function*() {
      expect(yield* (yield* RestoreClient.RestoreClient).backupPolicy(instanceId)).toStrictEqual({
        keep_days: 7,
        start_time: "23:00-00:00",
        period: "1,2,3,4,5,6,7",
        enable_incremental_backup: true
      })
      expect(transport.requests.map((r) => [r.method, r.url, r.query])).toStrictEqual([
        ["GET", `${base}/instances/${instanceId}/backups/policy`, []]
      ])
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restoreTasks reads the v3.1 task list for the span, every page, keeping the instance's tasks", () => {
    const mine = JSON.parse(fixture("tasks-v3.1.response.json")).jobs[0]
    const other = { ...mine, id: "b13b1b8a-b756-467c-8a49-38720c3d23ec", instance_id: "otherin02" }
    const pages = [[mine, other], [other, mine]]
    const transport = recording((_, index) => Effect.succeed(json(200, JSON.stringify({ jobs: pages[index] ?? [], total_count: 4 }))))
    return Effect.gen(function*() {
      const tasks = yield* (yield* RestoreClient.RestoreClient).restoreTasks(
        instanceId,
        new Date("2020-12-01T00:00:00.000Z"),
        Date.parse("2020-12-31T00:00:00.000Z")
      )
      expect(tasks.map((task) => [task.id, task.instance_id, task.status])).toStrictEqual([
        ["a03b1b8a-b756-467c-8a49-38720c3d23ec", instanceId, "Completed"],
        ["a03b1b8a-b756-467c-8a49-38720c3d23ec", instanceId, "Completed"]
      ])
      expect(transport.requests.map((r) => [r.method, r.url, r.query])).toStrictEqual(
        [0, 2].map((offset) => [
          "GET",
          `${endpoint}/v3.1/${projectId}/jobs`,
          [
            ["start_time", "2020-12-01T00:00:00+0000"],
            ["end_time", "2020-12-31T00:00:00+0000"],
            ["name", "MongodbRestoreTable"],
            ["offset", String(offset)],
            ["limit", "100"]
          ]
        ])
      )
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("restoreTasks refuses a span over 30 days or backwards, before sending", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("tasks-v3.1.response.json"))))
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const day = 24 * 60 * 60 * 1000
      const long = yield* Effect.flip(restoreClient.restoreTasks(instanceId, 0, 30 * day + 1))
      expect(long._tag === "InvalidArgument" && long.message).toContain("at most 30 days")
      const backwards = yield* Effect.flip(restoreClient.restoreTasks(instanceId, day, 0))
      expect(backwards._tag === "InvalidArgument" && backwards.argument).toBe("to")
      expect(yield* restoreClient.restoreTasks(instanceId, 0, 30 * day)).toHaveLength(1)
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("a lease wait over RestoreClient.maxLeaseWait is refused by restore, restoreMany and recover, naming the bound, nothing sent", () => {
    const transport = restoring(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const plan = yield* RestorePlan.decode(JSON.parse(fixture("restore-collections.request.json")))
      const over = "61 minutes"
      const refusals = [
        yield* Effect.flip(restoreClient.restore(instanceId, plan, { preflight: false, leaseWait: over })),
        yield* Effect.flip(restoreClient.restoreMany([{ instanceId, plan }], { concurrency: 1, leaseWait: Duration.days(2) })),
        yield* Effect.flip(restoreClient.recover({ leaseWait: over }))
      ]
      const tail = "is longer than the longest wait for a lease, 1h: give at most that " +
        "(a submission that holds the instance longer is stuck, not busy), or 0 not to wait."
      expect(refusals.map((error) => [error._tag, error.message])).toStrictEqual([
        ["InvalidArgument", `restore: leaseWait 1h 1m ${tail}`],
        ["InvalidArgument", `restoreMany: leaseWait 2d ${tail}`],
        ["InvalidArgument", `recover: leaseWait 1h 1m ${tail}`]
      ])
      expect([transport.reads, transport.requests]).toStrictEqual([[], []])
      // The bound itself is a wait like any other.
      expect(Duration.toMillis(RestoreClient.maxLeaseWait)).toBe(3_600_000)
      const submission = yield* restoreClient.restore(instanceId, plan, { preflight: false, leaseWait: RestoreClient.maxLeaseWait })
      expect(submission).toStrictEqual({ jobId: "a03b1b8a-b756-467c-8a49-38720c3d23ec", reconciled: false })
      expect(transport.requests).toHaveLength(1)
    }).pipe(Effect.provide(client(transport.layer)))
  })

  it.effect("an id that is not a safe path segment is refused before any request is built", () => {
    const transport = recording(() => Effect.succeed(json(200, "{}")))
    const signer = counting()
    return Effect.gen(function*() {
      const restoreClient = yield* RestoreClient.RestoreClient
      const plan = RestorePlan.make([RestorePlan.database("shop", 1607762955000)])
      for (const bad of ["../x", "", "a/b", "a?b=c", "a b", "ä"]) {
        const calls: ReadonlyArray<Effect.Effect<unknown, RestoreClient.RestoreError | CallError.InstanceNotFound>> = [
          restoreClient.restore(bad, plan),
          restoreClient.job(bad),
          restoreClient.restorableTimes(bad, "2020-12-12"),
          restoreClient.restorableDatabases(bad, 1607762955000),
          restoreClient.restorableCollections(bad, "shop", 1607762955000),
          restoreClient.instance(bad),
          restoreClient.backupPolicy(bad),
          restoreClient.restoreTasks(bad, 0, 1)
        ]
        for (const call of calls) {
          const error = yield* Effect.flip(call)
          expect(error._tag).toBe("InvalidArgument")
          expect(error._tag === "InvalidArgument" && error.reason).toBe(
            `${JSON.stringify(bad)} is not a valid id (only letters, digits, "-" and "_", not empty). ` +
              "Pass the id exactly as the console or the API shows it (an instance id looks like 9136fd2a9fcd405ea4674276ce36dae8in02)."
          )
        }
      }
      expect(transport.requests).toHaveLength(0)
      expect(signer.signed).toHaveLength(0)
    }).pipe(Effect.provide(client(transport.layer, signer.layer)))
  })

  it.effect("each call runs in its span, annotated with the instance, the operation and the request id", () => {
    const spans: Array<Tracer.Span> = []
    const transport = recording(() =>
      Effect.map(Effect.currentSpan.pipe(Effect.orDie), (span) => {
        spans.push(span)
        return json(200, fixture("backup-policy.response.json"), "req-span")
      })
    )
    return Effect.gen(function*() {
      yield* (yield* RestoreClient.RestoreClient).backupPolicy(instanceId)
      const span = only(spans)
      expect(span.name).toBe("RestoreClient.backupPolicy")
      expect(Object.fromEntries(span.attributes)).toStrictEqual({
        "dds.instance_id": instanceId,
        "dds.operation": "backupPolicy",
        "dds.request_id": "req-span"
      })
    }).pipe(Effect.provide(client(transport.layer)))
  })
})
