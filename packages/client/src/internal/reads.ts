/**
 * The reads of the API on arguments already checked: each sends one GET (or walks every page of a
 * listing) and gives the part of the answer callers use. The public reads, the preflight, the job
 * watch and the search for a lost submission's job all read through this one record; the public
 * reads (`offered`) check their arguments first.
 */
import { Wire } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import { type CallError, InstanceNotFound, type ServiceError } from "../CallError.js"
import type { DdsConfig } from "../DdsConfig.js"
import type { Service } from "../RestoreClient.js"
import * as Arguments from "./arguments.js"
import { onInstance, onJob } from "./operation.js"
import { walk } from "./paging.js"
import type { Sender } from "./send.js"

/** Every read the client makes. */
export interface Reads {
  /** The instance's details; `InstanceNotFound` when the project has no such instance. */
  readonly instance: (instanceId: string) => Effect.Effect<Wire.Instance, CallError | InstanceNotFound>
  readonly backupPolicy: (instanceId: string) => Effect.Effect<Wire.BackupPolicy, CallError>
  /** The restorable windows of one UTC day, `YYYY-MM-DD`. */
  readonly windows: (instanceId: string, day: string) => Effect.Effect<ReadonlyArray<Wire.RestoreWindow>, CallError>
  readonly databases: (instanceId: string, at: number) => Effect.Effect<ReadonlyArray<string>, CallError>
  readonly collections: (instanceId: string, database: string, at: number) => Effect.Effect<ReadonlyArray<string>, CallError>
  /** The instance's restore tasks created between two task times, every page read. */
  readonly tasks: (instanceId: string, start: string, end: string) => Effect.Effect<ReadonlyArray<Wire.Task>, CallError>
  readonly job: (jobId: string) => Effect.Effect<Wire.Job, CallError>
}

/** The reads over a sender, in the project of `config`. */
export const make = (sender: Sender, config: DdsConfig["Type"]): Reads => {
  const project = ["v3", config.projectId]
  const instancePath = (instanceId: string, ...rest: ReadonlyArray<string>) => [...project, "instances", instanceId, ...rest]

  const read = <A, I>(
    operation: string,
    path: ReadonlyArray<string>,
    query: ReadonlyArray<readonly [string, string]>,
    schema: Schema.Schema<A, I>
  ) => sender.send({ operation, method: "GET", path, query, idempotent: true }, schema)

  const windows: Reads["windows"] = (id, day) =>
    Effect.map(
      read("restorableTimes", instancePath(id, "restore-time"), [["date", day]], Wire.RestoreTimeResponse),
      (answer) => answer.value.restore_time
    )

  const databases: Reads["databases"] = (id, time) =>
    walk("restorableDatabases", (offset, limit) =>
      read(
        "restorableDatabases",
        instancePath(id, "restore-database"),
        [["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
        Wire.RestoreDatabasesResponse
      ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.databases, total: answer.value.total_count } }))))

  const collections: Reads["collections"] = (id, database, time) =>
    walk("restorableCollections", (offset, limit) =>
      read(
        "restorableCollections",
        instancePath(id, "restore-collection"),
        [["db_name", database], ["restore_time", String(time)], ["offset", String(offset)], ["limit", String(limit)]],
        Wire.RestoreCollectionsResponse
      ).pipe(
        Effect.map((answer) => ({ ...answer, value: { items: answer.value.collections, total: answer.value.total_count } }))
      ))

  const instance: Reads["instance"] = (id) =>
    Effect.gen(function*() {
      const answer = yield* read("instance", [...project, "instances"], [["id", id]], Wire.InstancesResponse).pipe(
        Effect.catchIf(
          (error): error is ServiceError => error._tag === "ServiceError" && error.kind === "InstanceNotFound",
          (error) =>
            Effect.fail(new InstanceNotFound({ instanceId: id, ...(error.requestId === undefined ? {} : { requestId: error.requestId }) }))
        )
      )
      const found = answer.value.instances.find((candidate) => candidate.id === id)
      if (found === undefined) {
        return yield* new InstanceNotFound({
          instanceId: id,
          ...(answer.requestId === undefined ? {} : { requestId: answer.requestId })
        })
      }
      return found
    })

  const backupPolicy: Reads["backupPolicy"] = (id) =>
    Effect.map(
      read("backupPolicy", instancePath(id, "backups", "policy"), [], Wire.BackupPolicyResponse),
      (answer) => answer.value.backup_policy
    )

  const tasks: Reads["tasks"] = (id, start, end) =>
    Effect.map(
      walk("restoreTasks", (offset, limit) =>
        read(
          "restoreTasks",
          ["v3.1", config.projectId, "jobs"],
          [
            ["start_time", start],
            ["end_time", end],
            ["name", Wire.RESTORE_TASK_NAME],
            ["offset", String(offset)],
            ["limit", String(limit)]
          ],
          Wire.TaskListResponse
        ).pipe(Effect.map((answer) => ({ ...answer, value: { items: answer.value.jobs, total: answer.value.total_count } })))),
      (found) => found.filter((task) => task.instance_id === id)
    )

  const job: Reads["job"] = (id) =>
    Effect.map(read("job", [...project, "jobs"], [["id", id]], Wire.JobResponse), (answer) => answer.value.job)

  return { instance, backupPolicy, windows, databases, collections, tasks, job }
}

/** The reads `RestoreClient` offers as they are. */
export type Offered = Pick<
  Service,
  "job" | "restorableTimes" | "restorableDatabases" | "restorableCollections" | "instance" | "backupPolicy" | "restoreTasks"
>

/** The reads `RestoreClient` offers: each checks its arguments, then reads, all of it in its span. */
export const offered = (reads: Reads): Offered => ({
  job: (jobId) => onJob("job", jobId, reads.job),
  restorableTimes: (instanceId, day) =>
    onInstance("restorableTimes", instanceId, (id) => Effect.flatMap(Arguments.utcDay("restorableTimes", day), (date) => reads.windows(id, date))),
  restorableDatabases: (instanceId, at) =>
    onInstance("restorableDatabases", instanceId, (id) =>
      Effect.flatMap(Arguments.restorePoint("restorableDatabases", "at", at), (time) => reads.databases(id, time))),
  restorableCollections: (instanceId, database, at) =>
    onInstance("restorableCollections", instanceId, (id) =>
      Effect.gen(function*() {
        const name = yield* Arguments.databaseName("restorableCollections", "database", database)
        return yield* reads.collections(id, name, yield* Arguments.restorePoint("restorableCollections", "at", at))
      })),
  instance: (instanceId) => onInstance("instance", instanceId, reads.instance),
  backupPolicy: (instanceId) => onInstance("backupPolicy", instanceId, reads.backupPolicy),
  restoreTasks: (instanceId, from, to) =>
    onInstance("restoreTasks", instanceId, (id) =>
      Effect.flatMap(Arguments.taskSpan("restoreTasks", from, to), ([start, end]) => reads.tasks(id, start, end)))
})
