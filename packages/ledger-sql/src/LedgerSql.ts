/**
 * The `RestoreLedger` in an SQL database, shared by every process that opens it: the lease of each
 * instance (one row per endpoint, project and instance, taken with one atomic upsert, its token
 * grown at every new holder), the journal of every submission, and the claimed job ids (a primary
 * key, so a job id is claimed once in the whole ledger). Every write first touches the lease row
 * under the writer's token, in the same transaction, so a holder whose lease was taken over
 * cannot write. The schema comes from `@effect/sql`'s migrator; a ledger written by a newer
 * version is refused, never rewritten. `layerSqlite` keeps it in an SQLite file (the processes of
 * one machine), `layerPg` in a PostgreSQL database (runners on many machines).
 *
 * @since 0.2.0
 */
import { RestoreLedger } from "@dds-restore/client"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Option from "effect/Option"
import { mkdirSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { busyRetry, classify, connectRetry, guard, isBusy } from "./internal/failure.js"
import { entryOf, type LeaseRow, type SubmissionRow, unsettledQuery } from "./internal/journal.js"
import * as Lease from "./internal/lease.js"
import * as Location from "./internal/location.js"
import * as Migrations from "./internal/migrations.js"
import * as Sqlite from "./internal/sqlite.js"

/**
 * How a ledger over an SQL client behaves: `ledger` names it in errors (a file path, a URL without
 * its password); `pollInterval` is how often a caller waiting for a lease held by another process
 * looks again (100 ms unless given).
 *
 * @since 0.2.0
 */
export interface Options {
  readonly ledger: string
  readonly pollInterval?: Duration.DurationInput | undefined
}

/**
 * The id of the latest schema this version writes; a ledger at a higher one is refused.
 *
 * @since 0.2.0
 */
export const schemaVersion: number = Migrations.latest

/**
 * Brings a database to the ledger's schema: refuses a database that is not a ledger (it has tables
 * but not the ledger's) and one written by a newer version, and runs the migrations it lacks.
 *
 * @since 0.2.0
 */
export const migrate: (ledger: string) => Effect.Effect<void, RestoreLedger.LedgerError, SqlClient.SqlClient> = Migrations.migrate

/**
 * A ledger over the `SqlClient` in context, once its schema is brought up to date (`migrate`).
 *
 * @since 0.2.0
 */
export const make = (options: Options): Effect.Effect<RestoreLedger.Service, RestoreLedger.LedgerError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const ledger = options.ledger
    const pollInterval = Duration.toMillis(options.pollInterval ?? "100 millis")
    yield* migrate(ledger)

    const leases = Lease.make(sql, ledger, pollInterval)
    const { fenced } = leases
    const guarded = (doing: string) => guard(ledger, doing)

    return RestoreLedger.RestoreLedger.of({
      acquire: leases.acquire,
      renew: leases.renew,
      release: leases.release,
      record: (lease, intent) =>
        fenced(
          lease,
          sql`INSERT INTO dds_restore_submissions
            (id, endpoint, project_id, instance_id, holder, at, body, hash, search_from, before_set, state)
            VALUES (${intent.id}, ${intent.key.endpoint}, ${intent.key.projectId}, ${intent.key.instanceId}, ${intent.holder},
              ${intent.at}, ${intent.body}, ${intent.hash}, ${intent.searchFrom}, ${JSON.stringify(intent.before)}, ${"Intent"})`
        ).pipe(Effect.asVoid, guarded("journaling a submission")),
      markSent: (lease, id, lostAnswer) =>
        fenced(
          lease,
          sql`UPDATE dds_restore_submissions SET state = ${"Sent"}, lost_answer = ${lostAnswer} WHERE id = ${id}`
        ).pipe(Effect.asVoid, guarded("journaling a lost answer")),
      settle: (lease, id, outcome) =>
        fenced(
          lease,
          Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            if (outcome._tag === "Submitted") {
              const claimed = yield* sql`INSERT INTO dds_restore_claims (endpoint, project_id, job_id, submission_id)
                VALUES (${lease.key.endpoint}, ${lease.key.projectId}, ${outcome.jobId}, ${id})
                ON CONFLICT (endpoint, project_id, job_id) DO NOTHING RETURNING job_id`
              if (claimed.length === 0) {
                const [holder] = yield* sql<{ readonly submission_id: string }>`SELECT submission_id FROM dds_restore_claims
                  WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId} AND job_id = ${outcome.jobId}`
                if (holder !== undefined && holder.submission_id !== id) {
                  return yield* new RestoreLedger.JobClaimed({ jobId: outcome.jobId, submission: holder.submission_id })
                }
              }
            }
            yield* sql`UPDATE dds_restore_submissions SET
              state = ${outcome._tag},
              job_id = ${outcome._tag === "Submitted" ? outcome.jobId : null},
              reconciled = ${outcome._tag === "Submitted" ? (outcome.reconciled ? 1 : 0) : null},
              refusal = ${outcome._tag === "Refused" ? outcome.error : null},
              candidates = ${outcome._tag === "Unknown" ? JSON.stringify(outcome.candidates) : null},
              unknown_reason = ${outcome._tag === "Unknown" ? outcome.reason : null},
              settled_at = ${now}
              WHERE id = ${id}`
          })
        ).pipe(guarded("settling a submission")),
      claims: (service, jobIds) =>
        Effect.gen(function*() {
          const found = new Map<string, string>()
          // In slices, well under every database's limit of parameters per statement.
          for (let start = 0; start < jobIds.length; start += 500) {
            const rows = yield* sql<{ readonly job_id: string; readonly submission_id: string }>`SELECT job_id, submission_id
              FROM dds_restore_claims WHERE endpoint = ${service.endpoint} AND project_id = ${service.projectId}
              AND ${sql.in("job_id", jobIds.slice(start, start + 500))}`
            for (const row of rows) found.set(row.job_id, row.submission_id)
          }
          return found
        }).pipe(guarded("reading the claimed jobs")),
      unsettled: (scope, page) =>
        Effect.map(unsettledQuery(sql, scope, page), (rows) => rows.map(entryOf)).pipe(guarded("reading the unsettled submissions")),
      journal: (key, since) =>
        Effect.map(
          sql<SubmissionRow>`SELECT * FROM dds_restore_submissions
            WHERE endpoint = ${key.endpoint} AND project_id = ${key.projectId} AND instance_id = ${key.instanceId}
            AND at >= ${since} ORDER BY at, id`,
          (rows) => rows.map(entryOf)
        ).pipe(guarded("reading the journal of an instance")),
      recent: (limit) =>
        Effect.map(
          sql<SubmissionRow>`SELECT * FROM dds_restore_submissions ORDER BY at DESC, id DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
          (rows) => rows.map(entryOf)
        ).pipe(guarded("reading the journal")),
      leases: (limit) =>
        Effect.map(
          sql<LeaseRow & { readonly endpoint: string; readonly project_id: string; readonly instance_id: string }>`SELECT
            endpoint, project_id, instance_id, holder, token, expires_at FROM dds_restore_leases
            ORDER BY expires_at DESC, endpoint, project_id, instance_id LIMIT ${Math.max(0, Math.floor(limit))}`,
          (rows) =>
            rows.map((row): RestoreLedger.Lease => ({
              key: { endpoint: row.endpoint, projectId: row.project_id, instanceId: row.instance_id },
              holder: row.holder,
              token: Number(row.token),
              expiresAt: Number(row.expires_at)
            }))
        ).pipe(guarded("reading the leases")),
      size: Effect.map(
        sql<{ readonly leases: number | string; readonly submissions: number | string }>`SELECT
          (SELECT COUNT(*) FROM dds_restore_leases) AS leases, (SELECT COUNT(*) FROM dds_restore_submissions) AS submissions`,
        (rows) => ({ leases: Number(rows[0]?.leases ?? 0), submissions: Number(rows[0]?.submissions ?? 0) })
      ).pipe(guarded("counting the leases and submissions"))
    })
  })

/**
 * A layer providing the ledger over the `SqlClient` in context (SQLite, PostgreSQL, ...).
 *
 * @since 0.2.0
 */
export const layer = (options: Options): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError, SqlClient.SqlClient> =>
  Layer.effect(RestoreLedger.RestoreLedger, make(options))

/**
 * Where an SQLite ledger is (created with its folders when missing, readable by the user only),
 * and how often a caller waiting for a lease held by another process looks again.
 *
 * @since 0.2.0
 */
export interface SqliteOptions {
  readonly filename: string
  readonly pollInterval?: Duration.DurationInput | undefined
}

/**
 * A ledger in an SQLite file (through libsql), created with its folder on first use and shared by
 * every process of the machine that opens it. The file is in WAL mode (readers and the writer work
 * at once); every write takes the file's write lock first (`BEGIN IMMEDIATE`), and a write that
 * finds it held by another process is tried again for up to 10 seconds (then `LedgerError`
 * `Locked`).
 *
 * @since 0.2.0
 */
export const layerSqlite = (options: SqliteOptions): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError> => {
  const ledger = options.filename
  const file = path.resolve(options.filename)
  const opened = Layer.scoped(
    RestoreLedger.RestoreLedger,
    Effect.gen(function*() {
      yield* Effect.try({
        // Private to the user: the journal holds every plan restored and the instances' ids.
        try: () => mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 }),
        catch: (error) => classify(ledger, "creating its folder", error)
      })
      const sql = yield* Sqlite.make(file).pipe(
        Effect.retry({ while: isBusy, schedule: busyRetry }),
        Effect.mapError((error) => classify(ledger, "opening it", error))
      )
      // The setting stays with the file; switching it takes the file for a moment.
      yield* sql`PRAGMA journal_mode = WAL`.pipe(
        Effect.retry({ while: isBusy, schedule: busyRetry }),
        Effect.mapError((error) => classify(ledger, "opening it", error))
      )
      return yield* make({ ledger, pollInterval: options.pollInterval }).pipe(Effect.provideService(SqlClient.SqlClient, sql))
    })
  )
  // The driver may throw while opening a file it cannot use: a defect, told as the ledger's error.
  return opened.pipe(
    Layer.provide(Reactivity.layer),
    Layer.catchAllCause((cause) =>
      Layer.fail(Option.getOrElse(Cause.failureOption(cause), () => classify(ledger, "opening it", Cause.squash(cause))))
    )
  )
}

/**
 * Where the SQLite ledger is when none is named (the command line's default):
 * `$XDG_STATE_HOME/dds-restore/ledger.db`, or `~/.local/state/dds-restore/ledger.db` when
 * `XDG_STATE_HOME` is unset, empty or not an absolute path. Read from the configuration (the
 * environment by default); without a home folder either, a `LedgerError` says to name a ledger.
 *
 * @since 0.2.0
 */
export const defaultFilename: Effect.Effect<string, RestoreLedger.LedgerError> = Effect.gen(function*() {
  const variable = (name: string) => Effect.orElseSucceed(Config.option(Config.string(name)), Option.none)
  const stateHome = Option.getOrUndefined(yield* variable("XDG_STATE_HOME"))
  const home = Option.getOrUndefined(yield* variable("HOME")) ?? (yield* Effect.orElseSucceed(Effect.try(() => os.homedir()), () => undefined))
  const file = Location.defaultFile({ stateHome, home })
  if (file === undefined) {
    return yield* new RestoreLedger.LedgerError({
      ledger: "the default ledger",
      reason: "Unopenable",
      detail: "neither XDG_STATE_HOME nor a home folder (HOME) is set, so there is no place for it. " +
        "Set one of them, or name a ledger (--ledger PATH|URL or DDS_RESTORE_LEDGER)."
    })
  }
  return file
})

/**
 * The SQLite ledger at its default place (`defaultFilename`), created with its folders (readable by
 * the user only) on first use: what every process of one user on one machine shares when no
 * ledger is named.
 *
 * @since 0.2.0
 */
export const layerDefault = (
  options: { readonly pollInterval?: Duration.DurationInput | undefined } = {}
): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError> =>
  Layer.unwrapEffect(Effect.map(defaultFilename, (filename) => layerSqlite({ filename, pollInterval: options.pollInterval })))

/**
 * Where a PostgreSQL ledger is (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`, kept `Redacted`),
 * how many connections its pool opens at most (10 unless given), how long a statement may wait to
 * get a connection, a new one or a free one of the pool (10 seconds unless given; a statement, the
 * migration or the pool's first connection that got none in time is tried again, 3 times in all),
 * and how often a caller waiting for a lease held by another runner looks again.
 *
 * @since 0.2.0
 */
export interface PgOptions {
  readonly url: Redacted.Redacted<string>
  readonly maxConnections?: number | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
  readonly pollInterval?: Duration.DurationInput | undefined
}

/**
 * The name of a PostgreSQL ledger in messages: its URL without the password and the query.
 *
 * @since 0.2.0
 */
export const pgName = (url: Redacted.Redacted<string>): string => Location.displayName(url) ?? "a postgres:// URL"

/**
 * A ledger in a PostgreSQL database, shared by runners on many machines; its tables are created
 * (migrated) on first use. One pool of connections serves every fiber of the process. A lease is
 * a row, not a session's advisory lock: it outlives a connection cut shorter than its time to
 * live, and every write checks its token while holding the row's lock, so a holder whose lease
 * ran out while it was cut off is refused (`LeaseLost`). The password is never part of an error;
 * a URL whose password holds an unencoded `/`, `?`, `#` or `@` is refused (`Unopenable`), naming
 * nothing of it but its scheme.
 *
 * @since 0.2.0
 */
export const layerPg = (options: PgOptions): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError> => {
  // A URL whose password cannot be told apart from its host and path is refused before any use.
  const refused = Location.refusal(options.url)
  if (refused !== undefined) return Layer.fail(refused)
  const ledger = pgName(options.url)
  // A driver's message could quote what it was given: whatever is said, the password is not.
  const scrubbed = (error: RestoreLedger.LedgerError): RestoreLedger.LedgerError =>
    new RestoreLedger.LedgerError({ ledger: error.ledger, reason: error.reason, detail: Location.scrub(options.url, error.detail) })
  const client = PgClient.layer({
    url: options.url,
    maxConnections: options.maxConnections ?? 10,
    connectTimeout: options.connectTimeout ?? "10 seconds",
    applicationName: "dds-restore"
  }).pipe(
    // The pool's first connection, made here, is tried again as every statement is when it is not
    // had within the connect timeout: a new pool each time, the failed one closed.
    Layer.retry(connectRetry)
  )
  return layer({ ledger, pollInterval: options.pollInterval }).pipe(
    Layer.provide(client),
    Layer.catchAllCause((cause) =>
      Layer.fail(scrubbed(Option.getOrElse(
        Option.filter(Cause.failureOption(cause), (error) => error._tag === "LedgerError"),
        () => classify(ledger, "connecting to it", Cause.squash(cause))
      ) as RestoreLedger.LedgerError))
    )
  )
}

/**
 * The name a ledger given as text goes by in messages: a file path as it is, a `postgres://` URL
 * without its password and query.
 *
 * @since 0.2.0
 */
export const nameOf = (location: string | Redacted.Redacted<string>): string =>
  Either.match(Location.parse(location), {
    onLeft: (error) => error.ledger,
    onRight: (place) => place._tag === "Postgres" ? place.name : place.filename
  })

/**
 * The ledger at a place given as text (the command line's `--ledger`): a `postgres://` (or
 * `postgresql://`) URL for PostgreSQL, else a file path for SQLite. A URL that cannot be read is
 * refused without being repeated (it may hold a password).
 *
 * @since 0.2.0
 */
export const layerLocation = (
  location: string | Redacted.Redacted<string>
): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError> =>
  Either.match(Location.parse(location), {
    onLeft: Layer.fail,
    onRight: (place) => place._tag === "Postgres" ? layerPg({ url: place.url }) : layerSqlite({ filename: place.filename })
  })

/**
 * The ledger named by a configuration value (by default the `DDS_RESTORE_LEDGER` variable), read
 * as a secret: a `postgres://` URL for PostgreSQL, else a file path for SQLite (see `layerLocation`).
 *
 * @since 0.2.0
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("DDS_RESTORE_LEDGER")
): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(config, layerLocation))
