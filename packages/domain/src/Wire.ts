/**
 * The wire format of the DDS restore API (docs/service.md: the restore call, the calls around it,
 * errors) as schemas, so that the client and the fake service read and write exactly the same bodies.
 *
 * Answers (what the client receives) accept and drop fields they do not know, because the
 * service adds fields over time; a string the service may leave out or send as `null` decodes
 * to an absent field; timestamps stay the strings the service sent. The request body (what the
 * client sends) refuses unknown fields.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as RestorePoint from "./RestorePoint.js"

// A string the service may send as null or leave out: both decode to an absent field.
const OptionalString = Schema.optionalWith(Schema.String, { nullable: true })

// ---------------------------------------------------------------------------------------------
// The restore call
// ---------------------------------------------------------------------------------------------

/**
 * One collection of a collection-level restore, as sent.
 *
 * @since 0.1.0
 */
export const RestoreCollectionBody = Schema.Struct({
  old_name: Schema.String,
  new_name: Schema.optionalWith(Schema.String, { exact: true }),
  restore_collection_time: RestorePoint.FromWire
}).annotations({ identifier: "RestoreCollectionBody" })

/**
 * One collection of a collection-level restore, as sent.
 *
 * @since 0.1.0
 */
export interface RestoreCollectionBody extends Schema.Schema.Type<typeof RestoreCollectionBody> {}

/**
 * One database entry of the restore body: a database-level restore (`restore_database_time`) or a
 * collection-level one (`collections`).
 *
 * @since 0.1.0
 */
export const RestoreDatabaseBody = Schema.Struct({
  database: Schema.String,
  restore_database_time: Schema.optionalWith(RestorePoint.FromWire, { exact: true }),
  collections: Schema.optionalWith(Schema.Array(RestoreCollectionBody), { exact: true })
}).annotations({ identifier: "RestoreDatabaseBody" })

/**
 * One database entry of the restore body.
 *
 * @since 0.1.0
 */
export interface RestoreDatabaseBody extends Schema.Schema.Type<typeof RestoreDatabaseBody> {}

/**
 * The exact body of `POST .../restore/collections`. Times decode from strings of digits or bare
 * numbers and always encode as strings of digits; an unknown field is refused. The rules of a
 * valid plan (names, a time for a database-level restore, duplicates...) are `RestorePlan`'s.
 *
 * @since 0.1.0
 */
export const RestoreRequestBody = Schema.Struct({
  restore_collections: Schema.Array(RestoreDatabaseBody)
}).annotations({ identifier: "RestoreRequestBody", parseOptions: { onExcessProperty: "error" } })

/**
 * The restore body with times as restore points.
 *
 * @since 0.1.0
 */
export interface RestoreRequestBody extends Schema.Schema.Type<typeof RestoreRequestBody> {}

/**
 * The restore body exactly as it goes on the wire, times as strings of digits.
 *
 * @since 0.1.0
 */
export interface RestoreRequestJson {
  readonly restore_collections: ReadonlyArray<{
    readonly database: string
    readonly restore_database_time?: string
    readonly collections?: ReadonlyArray<{
      readonly old_name: string
      readonly new_name?: string
      readonly restore_collection_time: string
    }>
  }>
}

/**
 * The answer to the restore call: the id of the restore job.
 *
 * @since 0.1.0
 */
export const RestoreResponse = Schema.Struct({ job_id: Schema.String }).annotations({ identifier: "RestoreResponse" })

/**
 * The answer to the restore call.
 *
 * @since 0.1.0
 */
export interface RestoreResponse extends Schema.Schema.Type<typeof RestoreResponse> {}

// ---------------------------------------------------------------------------------------------
// Jobs and tasks
// ---------------------------------------------------------------------------------------------

/**
 * The status of a job or a task.
 *
 * @since 0.1.0
 */
export const JobStatus = Schema.Literal("Running", "Completed", "Failed")

/**
 * The status of a job or a task.
 *
 * @since 0.1.0
 */
export type JobStatus = typeof JobStatus.Type

/**
 * One job, as `GET /v3/{project_id}/jobs?id=` returns it. `progress` (e.g. `"45%"`) is there only
 * while the job runs; `ended` is empty or absent until it ends.
 *
 * @since 0.1.0
 */
export const Job = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: JobStatus,
  created: Schema.String,
  ended: OptionalString,
  progress: OptionalString,
  instance: Schema.Struct({ id: Schema.String, name: Schema.String }),
  fail_reason: OptionalString
}).annotations({ identifier: "Job" })

/**
 * One job.
 *
 * @since 0.1.0
 */
export interface Job extends Schema.Schema.Type<typeof Job> {}

/**
 * The answer of `GET /v3/{project_id}/jobs?id=`.
 *
 * @since 0.1.0
 */
export const JobResponse = Schema.Struct({ job: Job }).annotations({ identifier: "JobResponse" })

/**
 * The answer of `GET /v3/{project_id}/jobs?id=`.
 *
 * @since 0.1.0
 */
export interface JobResponse extends Schema.Schema.Type<typeof JobResponse> {}

/**
 * The name of a database- or collection-level restore job in the task list (`GET /v3.1/{project_id}/jobs?name=`).
 *
 * @since 0.1.0
 */
export const RESTORE_TASK_NAME = "MongodbRestoreTable"

/**
 * The longest span from `start_time` to `end_time` the task list accepts: 30 days. Its times are
 * read and written by `ServiceTime`.
 *
 * @since 0.1.0
 */
export const MAX_TASK_SPAN_MILLIS = 30 * 86_400_000

/**
 * One entry of the v3.1 task list.
 *
 * @since 0.1.0
 */
export const Task = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  instance_id: Schema.String,
  instance_name: OptionalString,
  status: JobStatus,
  progress: OptionalString,
  fail_reason: OptionalString,
  created_at: Schema.String,
  ended_at: OptionalString
}).annotations({ identifier: "Task" })

/**
 * One entry of the v3.1 task list.
 *
 * @since 0.1.0
 */
export interface Task extends Schema.Schema.Type<typeof Task> {}

/**
 * The answer of `GET /v3.1/{project_id}/jobs` (the task list).
 *
 * @since 0.1.0
 */
export const TaskListResponse = Schema.Struct({
  jobs: Schema.Array(Task),
  total_count: Schema.Number
}).annotations({ identifier: "TaskListResponse" })

/**
 * The answer of the task list.
 *
 * @since 0.1.0
 */
export interface TaskListResponse extends Schema.Schema.Type<typeof TaskListResponse> {}

// ---------------------------------------------------------------------------------------------
// Restorable times, databases and collections
// ---------------------------------------------------------------------------------------------

/**
 * One restorable window, both ends in UNIX epoch milliseconds.
 *
 * @since 0.1.0
 */
export const RestoreWindow = Schema.Struct({
  start_time: Schema.Number,
  end_time: Schema.Number
}).annotations({ identifier: "RestoreWindow" })

/**
 * One restorable window.
 *
 * @since 0.1.0
 */
export interface RestoreWindow extends Schema.Schema.Type<typeof RestoreWindow> {}

/**
 * The answer of `GET .../restore-time?date=`: the restorable windows of one UTC day.
 *
 * @since 0.1.0
 */
export const RestoreTimeResponse = Schema.Struct({
  restore_time: Schema.Array(RestoreWindow)
}).annotations({ identifier: "RestoreTimeResponse" })

/**
 * The answer of `GET .../restore-time`.
 *
 * @since 0.1.0
 */
export interface RestoreTimeResponse extends Schema.Schema.Type<typeof RestoreTimeResponse> {}

/**
 * The answer of `GET .../restore-database`: the databases that can be restored at a time.
 *
 * @since 0.1.0
 */
export const RestoreDatabasesResponse = Schema.Struct({
  databases: Schema.Array(Schema.String),
  total_count: Schema.Number
}).annotations({ identifier: "RestoreDatabasesResponse" })

/**
 * The answer of `GET .../restore-database`.
 *
 * @since 0.1.0
 */
export interface RestoreDatabasesResponse extends Schema.Schema.Type<typeof RestoreDatabasesResponse> {}

/**
 * The answer of `GET .../restore-collection`: the collections of a database that can be restored
 * at a time.
 *
 * @since 0.1.0
 */
export const RestoreCollectionsResponse = Schema.Struct({
  collections: Schema.Array(Schema.String),
  total_count: Schema.Number
}).annotations({ identifier: "RestoreCollectionsResponse" })

/**
 * The answer of `GET .../restore-collection`.
 *
 * @since 0.1.0
 */
export interface RestoreCollectionsResponse extends Schema.Schema.Type<typeof RestoreCollectionsResponse> {}

// ---------------------------------------------------------------------------------------------
// Instance and backup policy
// ---------------------------------------------------------------------------------------------

/**
 * One instance, with the fields a restore needs. `status` and `mode` stay open strings: a new
 * status must not break a client (the preflight compares with `"normal"` and `"ReplicaSet"`);
 * `actions` lists the operations running now and is empty when absent.
 *
 * @since 0.1.0
 */
export const Instance = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  mode: Schema.String,
  datastore: Schema.Struct({
    type: Schema.String,
    version: Schema.String,
    whole_version: OptionalString
  }),
  actions: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }),
  region: OptionalString,
  port: OptionalString,
  engine: OptionalString,
  created: OptionalString,
  updated: OptionalString,
  time_zone: OptionalString
}).annotations({ identifier: "Instance" })

/**
 * One instance.
 *
 * @since 0.1.0
 */
export interface Instance extends Schema.Schema.Type<typeof Instance> {}

/**
 * The answer of `GET /v3/{project_id}/instances?id=`.
 *
 * @since 0.1.0
 */
export const InstancesResponse = Schema.Struct({
  instances: Schema.Array(Instance),
  total_count: Schema.Number
}).annotations({ identifier: "InstancesResponse" })

/**
 * The answer of `GET /v3/{project_id}/instances`.
 *
 * @since 0.1.0
 */
export interface InstancesResponse extends Schema.Schema.Type<typeof InstancesResponse> {}

/**
 * The backup policy of an instance; a point-in-time restore needs `enable_incremental_backup`
 * (false when absent).
 *
 * @since 0.1.0
 */
export const BackupPolicy = Schema.Struct({
  keep_days: Schema.Number,
  start_time: OptionalString,
  period: OptionalString,
  enable_incremental_backup: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false })
}).annotations({ identifier: "BackupPolicy" })

/**
 * The backup policy of an instance.
 *
 * @since 0.1.0
 */
export interface BackupPolicy extends Schema.Schema.Type<typeof BackupPolicy> {}

/**
 * The answer of `GET .../backups/policy`.
 *
 * @since 0.1.0
 */
export const BackupPolicyResponse = Schema.Struct({ backup_policy: BackupPolicy }).annotations({
  identifier: "BackupPolicyResponse"
})

/**
 * The answer of `GET .../backups/policy`.
 *
 * @since 0.1.0
 */
export interface BackupPolicyResponse extends Schema.Schema.Type<typeof BackupPolicyResponse> {}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const ServiceErrorBody = Schema.Struct({
  error_code: Schema.String,
  error_msg: Schema.String,
  request_id: OptionalString
})

const GatewayErrorBody = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  request_id: OptionalString
})

const ErrorFields = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  request_id: Schema.optionalWith(Schema.String, { exact: true })
})

/**
 * The body of an error answer. Decodes both the service's `{ error_code, error_msg }` and some
 * gateways' `{ code, message }` into one shape, keeping `request_id` when the body has one;
 * encodes as the service's form.
 *
 * @since 0.1.0
 */
export const ErrorBody = Schema.transform(Schema.Union(ServiceErrorBody, GatewayErrorBody), ErrorFields, {
  strict: true,
  decode: (body) => {
    const [code, message] = "error_code" in body ? [body.error_code, body.error_msg] : [body.code, body.message]
    return body.request_id === undefined ? { code, message } : { code, message, request_id: body.request_id }
  },
  encode: (error) =>
    error.request_id === undefined
      ? { error_code: error.code, error_msg: error.message }
      : { error_code: error.code, error_msg: error.message, request_id: error.request_id }
}).annotations({ identifier: "ErrorBody" })

/**
 * The body of an error answer: `{ code, message, request_id? }`.
 *
 * @since 0.1.0
 */
export interface ErrorBody extends Schema.Schema.Type<typeof ErrorBody> {}
