/**
 * What a `FakeDds` starts from: a project, its credentials and IAM users, and its instances with
 * their restorable windows and their databases and collections over time. Plain data described by
 * a schema, so the same seed is written in a test with the helpers here or read from a JSON file
 * (the emulator's `--seed FILE`).
 *
 * @since 0.1.0
 */
import { RestorePoint } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * A point in time as UNIX epoch milliseconds; a seed file may write it as a number or as a string
 * the domain's `RestorePoint` reads (digits, or an ISO-8601 date with a zone such as
 * `"2024-05-01T12:00:00Z"`).
 *
 * @since 0.1.0
 */
export const EpochMillis: Schema.Schema<number, number | string> = Schema.Union(
  Schema.Int,
  Schema.transformOrFail(Schema.String, Schema.Int, {
    strict: true,
    decode: (text, _, ast) =>
      Either.match(RestorePoint.parse(text), {
        onLeft: (reason) => ParseResult.fail(new ParseResult.Type(ast, text, reason)),
        onRight: (millis) => ParseResult.succeed(millis)
      }),
    encode: (ms) => ParseResult.succeed(new Date(ms).toISOString())
  })
)

/**
 * A restorable time range `[start, end]` (both inclusive, epoch ms). A window without `end` is the
 * one the incremental backup keeps extending, as the service's does: it ends `BACKUP_LAG_MILLIS`
 * before the fake's clock, in whole seconds, so the latest restorable time follows the clock.
 *
 * @since 0.1.0
 */
export const Window = Schema.Struct({ start: EpochMillis, end: Schema.optionalWith(EpochMillis, { exact: true }) })

/**
 * @since 0.1.0
 */
export type Window = typeof Window.Type

/**
 * How far the latest restorable time of an open window lags behind the clock: the incremental
 * backup uploads the oplog every few minutes, 5 here.
 *
 * @since 0.1.0
 */
export const BACKUP_LAG_MILLIS = 5 * 60_000

/**
 * Windows as they stand at `now`, both ends known: an open window ends `BACKUP_LAG_MILLIS` before
 * `now`, in whole seconds, and is not there yet while that is before its start.
 *
 * @since 0.1.0
 */
export const windowsAt = (
  windows: ReadonlyArray<Window>,
  now: number
): ReadonlyArray<{ readonly start: number; readonly end: number }> => {
  const latest = Math.floor((now - BACKUP_LAG_MILLIS) / 1000) * 1000
  return windows.flatMap((w) =>
    w.end !== undefined ? [{ start: w.start, end: w.end }] : latest >= w.start ? [{ start: w.start, end: latest }] : []
  )
}

/**
 * A collection and when it existed: from `createdAt` (absent: always) until `droppedAt` (absent:
 * still there).
 *
 * @since 0.1.0
 */
export const Collection = Schema.Struct({
  name: Schema.String,
  createdAt: Schema.optionalWith(EpochMillis, { exact: true }),
  droppedAt: Schema.optionalWith(EpochMillis, { exact: true })
})

/**
 * @since 0.1.0
 */
export type Collection = typeof Collection.Type

/**
 * A database, when it existed, and its collections.
 *
 * @since 0.1.0
 */
export const Database = Schema.Struct({
  name: Schema.String,
  createdAt: Schema.optionalWith(EpochMillis, { exact: true }),
  droppedAt: Schema.optionalWith(EpochMillis, { exact: true }),
  collections: Schema.Array(Collection)
})

/**
 * @since 0.1.0
 */
export type Database = typeof Database.Type

/**
 * An instance's deployment mode; point-in-time restore of collections works on `ReplicaSet` only.
 *
 * @since 0.1.0
 */
export const Mode = Schema.Literal("ReplicaSet", "Sharding", "Single")

/**
 * An instance status as the service reports it; anything but `normal` refuses a restore.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal(
  "normal",
  "abnormal",
  "creating",
  "frozen",
  "data_disk_full",
  "createfail",
  "enlargefail"
)

/**
 * An instance's backup policy; a restore needs `incrementalBackup` on.
 *
 * @since 0.1.0
 */
export const BackupPolicy = Schema.Struct({
  keepDays: Schema.Int,
  startTime: Schema.String,
  period: Schema.String,
  incrementalBackup: Schema.Boolean
})

/**
 * @since 0.1.0
 */
export type BackupPolicy = typeof BackupPolicy.Type

/**
 * One DDS instance. `actions` non-empty means an operation is running (the instance is busy);
 * `restoreFailure`, when set, makes every restore on this instance fail with that reason.
 *
 * @since 0.1.0
 */
export const Instance = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/)),
  name: Schema.String,
  mode: Mode,
  status: Status,
  version: Schema.String,
  actions: Schema.Array(Schema.String),
  backupPolicy: BackupPolicy,
  windows: Schema.Array(Window),
  databases: Schema.Array(Database),
  restoreFailure: Schema.optionalWith(Schema.String, { exact: true })
})

/**
 * @since 0.1.0
 */
export type Instance = typeof Instance.Type

/**
 * An AK/SK pair the emulator accepts; the secret stays `Redacted`.
 *
 * @since 0.1.0
 */
export const Credential = Schema.Struct({
  accessKeyId: Schema.String,
  secretAccessKey: Schema.Redacted(Schema.String)
})

/**
 * @since 0.1.0
 */
export type Credential = typeof Credential.Type

/**
 * An IAM user who may obtain a token with the password method.
 *
 * @since 0.1.0
 */
export const User = Schema.Struct({
  name: Schema.String,
  password: Schema.Redacted(Schema.String),
  domain: Schema.String
})

/**
 * @since 0.1.0
 */
export type User = typeof User.Type

/**
 * The whole starting state of a fake service.
 *
 * @since 0.1.0
 */
export const Seed = Schema.Struct({
  projectId: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/)),
  region: Schema.String,
  credentials: Schema.Array(Credential),
  users: Schema.Array(User),
  instances: Schema.Array(Instance)
})

/**
 * @since 0.1.0
 */
export type Seed = typeof Seed.Type

/**
 * A seed (file or value) that does not describe a valid starting state: what is wrong and where.
 *
 * @since 0.1.0
 */
export class SeedError extends Schema.TaggedError<SeedError>("@dds-restore/testing/SeedError")("SeedError", {
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The seed is not valid: ${this.detail}. Fix the seed (see Seed.Seed for its shape) and load it again.`
  }
}

/**
 * Reads a seed from unknown data (parsed JSON).
 *
 * @since 0.1.0
 */
export const decode = (input: unknown): Effect.Effect<Seed, SeedError> =>
  Schema.decodeUnknown(Seed, { onExcessProperty: "error", errors: "all" })(input).pipe(
    Effect.mapError((error) => new SeedError({ detail: describe(error) }))
  )

/**
 * Reads a seed from JSON text (a `--seed FILE`).
 *
 * @since 0.1.0
 */
export const decodeJson = (text: string): Effect.Effect<Seed, SeedError> =>
  Schema.decodeUnknown(Schema.parseJson(Seed), { onExcessProperty: "error", errors: "all" })(text).pipe(
    Effect.mapError((error) => new SeedError({ detail: describe(error) }))
  )

// A seed holds secrets (secret keys, passwords), so its errors say where and what was wrong, never
// the value found there: Schema's "actual ..." and JSON.parse's quoted snippet are left out.
const describe = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
    const where = issue.path.length === 0 ? "the seed" : issue.path.join(".")
    const what = /JSON/.test(issue.message) ? "is not valid JSON" : issue.message.replace(/,?\s*actual\b[\s\S]*$/, "")
    return `${where}: ${what}`
  }).join("; ")

/**
 * The project id a seed gets when none is given.
 *
 * @since 0.1.0
 */
export const defaultProjectId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

/**
 * A seed from its instances, with a default project, region and no credentials or users unless
 * given.
 *
 * @since 0.1.0
 */
export const make = (fields: {
  readonly instances: ReadonlyArray<Instance>
  readonly projectId?: string
  readonly region?: string
  readonly credentials?: ReadonlyArray<{ readonly accessKeyId: string; readonly secretAccessKey: string | Redacted.Redacted<string> }>
  readonly users?: ReadonlyArray<{ readonly name: string; readonly password: string | Redacted.Redacted<string>; readonly domain: string }>
}): Seed => ({
  projectId: fields.projectId ?? defaultProjectId,
  region: fields.region ?? "cn-north-4",
  credentials: (fields.credentials ?? []).map((c) => ({
    accessKeyId: c.accessKeyId,
    secretAccessKey: redact(c.secretAccessKey)
  })),
  users: (fields.users ?? []).map((u) => ({ name: u.name, password: redact(u.password), domain: u.domain })),
  instances: fields.instances
})

const redact = (value: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/**
 * Databases in short form: `{ shop: ["orders", { name: "carts", createdAt }] }`.
 *
 * @since 0.1.0
 */
export type DatabasesInput =
  | ReadonlyArray<Database>
  | Readonly<Record<string, ReadonlyArray<string | Collection>>>

/**
 * The fields of an instance, with defaults for all but its id and name.
 *
 * @since 0.1.0
 */
export interface InstanceInput {
  readonly id: string
  readonly name: string
  readonly status?: typeof Status.Type
  readonly version?: string
  readonly actions?: ReadonlyArray<string>
  readonly incrementalBackup?: boolean
  readonly keepDays?: number
  readonly windows?: ReadonlyArray<Window>
  readonly databases?: DatabasesInput
  readonly restoreFailure?: string
}

/**
 * An instance of any mode: `normal`, version 4.0, no action running, incremental backup on,
 * kept 7 days, no windows and no databases unless given.
 *
 * @since 0.1.0
 */
export const instance = (mode: typeof Mode.Type, input: InstanceInput): Instance => ({
  id: input.id,
  name: input.name,
  mode,
  status: input.status ?? "normal",
  version: input.version ?? "4.0",
  actions: input.actions ?? [],
  backupPolicy: {
    keepDays: input.keepDays ?? 7,
    startTime: "23:00-00:00",
    period: "1,2,3,4,5,6,7",
    incrementalBackup: input.incrementalBackup ?? true
  },
  windows: input.windows ?? [],
  databases: databases(input.databases ?? []),
  ...(input.restoreFailure === undefined ? {} : { restoreFailure: input.restoreFailure })
})

/**
 * A replica set (the only mode a collection restore accepts).
 *
 * @since 0.1.0
 */
export const replicaSet = (input: InstanceInput): Instance => instance("ReplicaSet", input)

/**
 * A sharded cluster (a restore on it is refused with DBS.280342).
 *
 * @since 0.1.0
 */
export const sharded = (input: InstanceInput): Instance => instance("Sharding", input)

/**
 * A single-node instance (a restore on it is refused with DBS.280342).
 *
 * @since 0.1.0
 */
export const single = (input: InstanceInput): Instance => instance("Single", input)

/**
 * A database with a lifetime; collections in short form are strings.
 *
 * @since 0.1.0
 */
export const database = (
  name: string,
  collections: ReadonlyArray<string | Collection>,
  lifetime: { readonly createdAt?: number; readonly droppedAt?: number } = {}
): Database => ({ name, ...lifetime, collections: collections.map(collection) })

const collection = (c: string | Collection): Collection => (typeof c === "string" ? { name: c } : c)

const databases = (input: DatabasesInput): ReadonlyArray<Database> =>
  isDatabaseArray(input)
    ? input
    : Object.entries(input).map(([name, collections]) => database(name, collections))

const isDatabaseArray = (input: DatabasesInput): input is ReadonlyArray<Database> => Array.isArray(input)
