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
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError as SqlErrorClass } from "@effect/sql/SqlError"
import type { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { mkdirSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { classify, isBusy, isCreateRace } from "./internal/failure.js"
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

interface LeaseRow {
  readonly holder: string
  readonly token: number | string
  readonly expires_at: number | string
}

interface SubmissionRow {
  readonly id: string
  readonly endpoint: string
  readonly project_id: string
  readonly instance_id: string
  readonly holder: string
  readonly at: number | string
  readonly body: string
  readonly hash: string
  readonly search_from: number | string
  readonly before_set: string
  readonly state: string
  readonly lost_answer: string | null
  readonly job_id: string | null
  readonly reconciled: number | string | null
  readonly refusal: string | null
  readonly candidates: string | null
  readonly unknown_reason: string | null
  readonly settled_at: number | string | null
}

const outcomeOf = (row: SubmissionRow): RestoreLedger.Outcome | undefined => {
  switch (row.state) {
    case "Submitted":
      return RestoreLedger.Outcome.Submitted({ jobId: row.job_id ?? "", reconciled: Number(row.reconciled) === 1 })
    case "Refused":
      return RestoreLedger.Outcome.Refused({ error: row.refusal ?? "" })
    case "Unknown":
      return RestoreLedger.Outcome.Unknown({
        candidates: JSON.parse(row.candidates ?? "[]") as ReadonlyArray<string>,
        reason: row.unknown_reason ?? ""
      })
    case "NotStarted":
      return RestoreLedger.Outcome.NotStarted()
    default:
      return undefined
  }
}

const entryOf = (row: SubmissionRow): RestoreLedger.Entry => ({
  id: row.id,
  key: { endpoint: row.endpoint, projectId: row.project_id, instanceId: row.instance_id },
  holder: row.holder,
  at: Number(row.at),
  body: row.body,
  hash: row.hash,
  searchFrom: Number(row.search_from),
  before: JSON.parse(row.before_set) as ReadonlyArray<string>,
  state: row.state as RestoreLedger.State,
  lostAnswer: row.lost_answer ?? undefined,
  settledAt: row.settled_at === null ? undefined : Number(row.settled_at),
  outcome: outcomeOf(row)
})

// SQLite refuses a write as busy once another process has held the file's write lock for longer
// than the connection's short busy timeout, and a PostgreSQL transaction can be chosen as a
// deadlock's victim: nothing was written, so it is tried again, with growing jittered pauses of at
// most 250 ms, for up to 10 seconds before the ledger is reported locked. Ten processes opening
// one new ledger at once race on its first writes.
const busyRetry = Schedule.exponential("5 millis").pipe(
  Schedule.modifyDelay((delay) => Duration.min(delay, Duration.millis(250))),
  Schedule.jittered,
  Schedule.upTo("10 seconds")
)

/**
 * Brings a database to the ledger's schema: refuses a database that is not a ledger (it has tables
 * but not the ledger's) and one written by a newer version, and runs the migrations it lacks.
 *
 * @since 0.2.0
 */
export const migrate = (ledger: string): Effect.Effect<void, RestoreLedger.LedgerError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const tables = yield* sql.onDialectOrElse({
      pg: () => sql<{ readonly name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
      orElse: () => sql<{ readonly name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
    })
    const names = new Set(tables.map((row) => row.name))
    if (names.has(Migrations.table)) {
      const [row] = yield* sql<{ readonly id: number | string | null }>`SELECT MAX(migration_id) AS id FROM ${sql(Migrations.table)}`
      const at = Number(row?.id ?? 0)
      if (at > Migrations.latest) {
        return yield* new RestoreLedger.LedgerError({
          ledger,
          reason: "NewerSchema",
          detail: `it was written by a newer version of dds-restore (schema ${at}; this version knows up to ${Migrations.latest}). ` +
            "It was left as it is: upgrade @dds-restore/ledger-sql (the dds-restore command line), or give another ledger."
        })
      }
      if (at === Migrations.latest) return
    } else if (names.size > 0) {
      return yield* new RestoreLedger.LedgerError({
        ledger,
        reason: "NotALedger",
        detail: `the database holds other tables (${[...names].sort().slice(0, 5).join(", ")}) and no restore ledger. ` +
          "It was left as it is: give the path of a ledger, or of a file that does not exist yet."
      })
    }
    yield* Migrator.make({})({ loader: Migrator.fromRecord(Migrations.migrations), table: Migrations.table }).pipe(
      // Runners starting together on a new PostgreSQL ledger race to create the migrator's table;
      // the loser finds it made when it tries again (the migrations themselves take turns, under
      // the migrator's lock of that table). On SQLite they take turns for the write lock.
      Effect.retry({ while: (error) => isCreateRace(error) || isBusy(error), schedule: busyRetry }),
      Effect.mapError((error) => new RestoreLedger.LedgerError({ ledger, reason: "Failed", detail: `migrating it: ${error.message}` }))
    )
  }).pipe(
    Effect.retry({ while: (error) => error._tag === "SqlError" && isBusy(error), schedule: busyRetry }),
    Effect.catchTag("SqlError", (error) => Effect.fail(classify(ledger, "reading its schema", error)))
  )

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

    const guarded = (doing: string) =>
    <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, SqlError> | RestoreLedger.LedgerError, R> =>
      effect.pipe(
        // @effect/sql turns a failed COMMIT into a defect; the transaction was rolled back (the
        // SQLite client does it; PostgreSQL does it with the failure), so it is a failure like any.
        Effect.catchSomeDefect((defect) => defect instanceof SqlErrorClass ? Option.some(Effect.fail(defect)) : Option.none()),
        Effect.retry({
          while: (error) => (error as { readonly _tag?: unknown })._tag === "SqlError" && isBusy(error),
          schedule: busyRetry
        }),
        Effect.mapError((error) =>
          (error as { readonly _tag?: unknown })._tag === "SqlError" ? classify(ledger, doing, error) : error
        )
      ) as Effect.Effect<A, Exclude<E, SqlError> | RestoreLedger.LedgerError, R>

    const currentToken = (key: RestoreLedger.InstanceKey) =>
      Effect.map(
        sql<LeaseRow>`SELECT holder, token, expires_at FROM dds_restore_leases
          WHERE endpoint = ${key.endpoint} AND project_id = ${key.projectId} AND instance_id = ${key.instanceId}`,
        (rows) => rows[0]
      )

    const leaseLost = (lease: RestoreLedger.Lease) =>
      Effect.flatMap(currentToken(lease.key), (row) =>
        Effect.fail(
          new RestoreLedger.LeaseLost({
            instanceId: lease.key.instanceId,
            token: lease.token,
            ...(row === undefined ? {} : { current: Number(row.token) })
          })
        ))

    // The first statement of every write: it takes the database's (SQLite) or the lease row's
    // (PostgreSQL) write lock, so the lease cannot change hands before the write commits.
    const fenced = <A, E>(lease: RestoreLedger.Lease, write: Effect.Effect<A, E>) =>
      sql.withTransaction(
        Effect.flatMap(
          sql<{ readonly token: number | string }>`UPDATE dds_restore_leases SET token = token
            WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId}
            AND instance_id = ${lease.key.instanceId} AND token = ${lease.token} RETURNING token`,
          (rows): Effect.Effect<A, E | SqlError | RestoreLedger.LeaseLost> => rows.length === 0 ? leaseLost(lease) : write
        )
      )

    // Callers of this process waiting for a lease are woken as soon as it is released here;
    // leases released by other processes are seen at the next poll.
    const waiters = new Map<string, Set<Deferred.Deferred<void>>>()
    const wake = (id: string) =>
      Effect.suspend(() => {
        const waiting = waiters.get(id)
        waiters.delete(id)
        return waiting === undefined
          ? Effect.void
          : Effect.forEach(waiting, (deferred) => Deferred.succeed(deferred, undefined), { discard: true })
      })

    type Take =
      | { readonly _tag: "Taken"; readonly lease: RestoreLedger.Lease }
      | { readonly _tag: "Held"; readonly row: LeaseRow | undefined }
    const tryTake = (key: RestoreLedger.InstanceKey, holder: string, ttl: number, now: number) =>
      Effect.flatMap(
        sql<{ readonly token: number | string }>`INSERT INTO dds_restore_leases (endpoint, project_id, instance_id, holder, token, expires_at)
          VALUES (${key.endpoint}, ${key.projectId}, ${key.instanceId}, ${holder}, ${1}, ${now + ttl})
          ON CONFLICT (endpoint, project_id, instance_id) DO UPDATE
            SET holder = excluded.holder, token = dds_restore_leases.token + 1, expires_at = excluded.expires_at
            WHERE dds_restore_leases.expires_at <= ${now}
          RETURNING token`,
        (rows): Effect.Effect<Take, SqlError> =>
          rows[0] === undefined
            ? Effect.map(currentToken(key), (row) => ({ _tag: "Held", row }) as const)
            : Effect.succeed({ _tag: "Taken", lease: { key, holder, token: Number(rows[0].token), expiresAt: now + ttl } } as const)
      )

    const acquire: RestoreLedger.Service["acquire"] = (key, acquireOptions) =>
      Effect.gen(function*() {
        const id = RestoreLedger.keyString(key)
        const ttl = Duration.toMillis(acquireOptions.ttl)
        const started = yield* Clock.currentTimeMillis
        const deadline = started + Duration.toMillis(acquireOptions.wait)
        for (;;) {
          // Registered before the lease is looked at, so that a release here in between still wakes it.
          const released = yield* Deferred.make<void>()
          const waiting = waiters.get(id) ?? new Set()
          waiting.add(released)
          waiters.set(id, waiting)
          const unregister = Effect.sync(() => waiting.delete(released))
          const now = yield* Clock.currentTimeMillis
          const taken = yield* guarded("taking the lease of an instance")(tryTake(key, acquireOptions.holder, ttl, now)).pipe(
            Effect.onError(() => unregister)
          )
          if (taken._tag === "Taken") {
            yield* unregister
            return taken.lease
          }
          const expiresAt = taken.row === undefined ? now : Number(taken.row.expires_at)
          if (now >= deadline) {
            yield* unregister
            return yield* new RestoreLedger.InstanceBusy({
              instanceId: key.instanceId,
              holder: taken.row?.holder ?? "",
              expiresAt,
              waited: now - started
            })
          }
          const pause = Math.max(1, Math.min(pollInterval, Math.max(expiresAt, now + 1) - now, deadline - now))
          // Interruptible even when the caller is not (`Effect.acquireRelease` acquires
          // uninterruptibly): else the pause outlives its timeout, and a lease released by another
          // process, or run out, is never seen. Nothing is held while waiting.
          yield* Deferred.await(released).pipe(
            Effect.timeoutOption(Duration.millis(pause)),
            Effect.interruptible,
            Effect.ensuring(unregister)
          )
        }
      })

    return RestoreLedger.RestoreLedger.of({
      acquire,
      renew: (lease, ttl) =>
        Effect.gen(function*() {
          const expiresAt = (yield* Clock.currentTimeMillis) + Duration.toMillis(ttl)
          const rows = yield* sql`UPDATE dds_restore_leases SET expires_at = ${expiresAt}
            WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId}
            AND instance_id = ${lease.key.instanceId} AND token = ${lease.token} RETURNING token`
          if (rows.length === 0) return yield* leaseLost(lease)
          return { ...lease, expiresAt }
        }).pipe(guarded("renewing the lease of an instance")),
      release: (lease) =>
        Effect.zipRight(
          sql`UPDATE dds_restore_leases SET expires_at = ${0}
            WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId}
            AND instance_id = ${lease.key.instanceId} AND token = ${lease.token}`,
          wake(RestoreLedger.keyString(lease.key))
        ).pipe(guarded("releasing the lease of an instance")),
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
      unsettled: (key) =>
        Effect.map(
          key === undefined
            ? sql<SubmissionRow>`SELECT * FROM dds_restore_submissions WHERE state IN (${"Intent"}, ${"Sent"}) ORDER BY at, id`
            : sql<SubmissionRow>`SELECT * FROM dds_restore_submissions WHERE state IN (${"Intent"}, ${"Sent"})
                AND endpoint = ${key.endpoint} AND project_id = ${key.projectId} AND instance_id = ${key.instanceId}
                ORDER BY at, id`,
          (rows) => rows.map(entryOf)
        ).pipe(guarded("reading the unsettled submissions")),
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
        ).pipe(guarded("reading the journal"))
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
 * how many connections its pool opens at most (10 unless given), how long a connection may take
 * (10 seconds unless given), and how often a caller waiting for a lease held by another runner
 * looks again.
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
 * ran out while it was cut off is refused (`LeaseLost`). The password is never part of an error.
 *
 * @since 0.2.0
 */
export const layerPg = (options: PgOptions): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError> => {
  const ledger = pgName(options.url)
  // A driver's message could quote what it was given: whatever is said, the password is not.
  const scrubbed = (error: RestoreLedger.LedgerError): RestoreLedger.LedgerError =>
    new RestoreLedger.LedgerError({ ledger: error.ledger, reason: error.reason, detail: Location.scrub(options.url, error.detail) })
  const client = PgClient.layer({
    url: options.url,
    maxConnections: options.maxConnections ?? 10,
    connectTimeout: options.connectTimeout ?? "10 seconds",
    applicationName: "dds-restore"
  })
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
