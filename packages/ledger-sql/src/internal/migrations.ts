// The ledger's schema, as @effect/sql migrations. The statements are the common ground of SQLite
// and PostgreSQL (TEXT, BIGINT, INTEGER, composite primary keys), so that one list serves both;
// a migration only ever adds to the schema, and a ledger whose latest migration is newer than
// the last one here was written by a newer version and is refused.
import { RestoreLedger } from "@dds-restore/client"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { busyRetry, classify, codeOf, connectRetried, isBusy } from "./failure.js"

/** The table the migrator keeps its progress in. */
export const table = "dds_restore_ledger_migrations"

const createLedger = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE dds_restore_leases (
    endpoint TEXT NOT NULL,
    project_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    holder TEXT NOT NULL,
    token BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (endpoint, project_id, instance_id)
  )`
  yield* sql`CREATE TABLE dds_restore_submissions (
    id TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    project_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    holder TEXT NOT NULL,
    at BIGINT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL,
    search_from BIGINT NOT NULL,
    before_set TEXT NOT NULL,
    state TEXT NOT NULL,
    lost_answer TEXT,
    job_id TEXT,
    reconciled INTEGER,
    refusal TEXT,
    candidates TEXT,
    unknown_reason TEXT,
    settled_at BIGINT
  )`
  yield* sql`CREATE INDEX dds_restore_submissions_by_state ON dds_restore_submissions (state, endpoint, project_id, instance_id)`
  yield* sql`CREATE INDEX dds_restore_submissions_by_time ON dds_restore_submissions (at)`
  yield* sql`CREATE TABLE dds_restore_claims (
    endpoint TEXT NOT NULL,
    project_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    submission_id TEXT NOT NULL REFERENCES dds_restore_submissions (id),
    PRIMARY KEY (endpoint, project_id, job_id)
  )`
})

// The unsettled submissions of a service (or of one of its instances), oldest first, a page at a
// time (`unsettled`): read from an index of only the unsettled rows, in the order they are read,
// which stays small however long the journal grows.
const indexUnsettled = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE INDEX dds_restore_submissions_unsettled ON dds_restore_submissions (endpoint, project_id, at, id)
    WHERE state IN ('Intent', 'Sent')`
})

/** Every migration, by `<id>_<name>`: ids only grow, and a released one never changes. */
export const migrations = {
  "1_create_ledger": createLedger,
  "2_index_unsettled": indexUnsettled
}

/** The id of the last migration this version knows. */
export const latest = 2

/**
 * The key of the PostgreSQL advisory lock that migrations take turns under, in every database that
 * holds a ledger: the ASCII bytes of "ddsldg" (0x6464736c6467). Runners started together on a new
 * database would otherwise race on creating the migrator's own table, and PostgreSQL reports such a
 * race in more ways than can be told apart from a real failure (42P07, 23505, 42710 and others).
 */
export const lockKey = 0x6464736c6467

/**
 * How long a runner waits for another one to finish migrating a PostgreSQL ledger before it gives
 * up; a migration takes well under a second, so a lock held that long is held by something stuck.
 */
export const lockWait: Duration.DurationInput = "60 seconds"

/**
 * Takes the migration lock (`lockKey`) for the rest of the transaction, waiting for it at most
 * `wait`; the connection's own `lock_timeout` is put back once it is held.
 */
const lockPg = (ledger: string, wait: Duration.DurationInput) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const millis = Math.max(1, Math.ceil(Duration.toMillis(wait)))
    const [setting] = yield* sql<{ readonly previous: string }>`SELECT current_setting('lock_timeout') AS previous`
    yield* sql`SELECT set_config('lock_timeout', ${`${millis}ms`}, true)`
    yield* sql`SELECT pg_advisory_xact_lock(${lockKey})`.pipe(
      Effect.catchIf((error) => codeOf(error) === "55P03", () =>
        new RestoreLedger.LedgerError({
          ledger,
          reason: "Locked",
          detail: `migrating it: another connection held its migration lock (advisory lock ${lockKey}) for longer than ` +
            `${Duration.format(Duration.millis(millis))}. Another runner's migration is stuck: find the session holding it ` +
            `(SELECT pid, application_name FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE locktype = 'advisory' AND objid = ${lockKey % 2 ** 32}), ` +
            "end it (pg_terminate_backend), and try again."
        }))
    )
    yield* sql`SELECT set_config('lock_timeout', ${setting?.previous ?? "0"}, true)`
  })

/**
 * Brings a database to the ledger's schema: refuses a database that is not a ledger (it has tables
 * but not the ledger's) and one written by a newer version, and runs the migrations it lacks. On
 * PostgreSQL all of it is one transaction under the migration lock (`lockKey`, waited for at most
 * `wait`), so that runners starting together take turns: the first migrates, the others find it
 * done. SQLite's write lock makes its processes take turns already.
 */
export const migrate = (
  ledger: string,
  wait: Duration.DurationInput = lockWait
): Effect.Effect<void, RestoreLedger.LedgerError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.onDialectOrElse({
      // Its first step, getting a connection for the transaction, may find none within the connect
      // timeout (a pool kept busy for a moment): tried again as every statement is. A migration
      // that already ran part-way never is: its statements run on the connection it got, and the
      // transaction is rolled back whole when one of them fails.
      pg: () => connectRetried(sql.withTransaction(Effect.zipRight(lockPg(ledger, wait), bringUp(ledger)))),
      orElse: () => bringUp(ledger)
    })
  }).pipe(
    Effect.retry({ while: (error) => error._tag === "SqlError" && isBusy(error), schedule: busyRetry }),
    Effect.catchTag("SqlError", (error) => Effect.fail(classify(ledger, "reading its schema", error)))
  )

const bringUp = (ledger: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const tables = yield* sql.onDialectOrElse({
      pg: () => sql<{ readonly name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
      orElse: () => sql<{ readonly name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
    })
    const names = new Set(tables.map((row) => row.name))
    if (names.has(table)) {
      const [row] = yield* sql<{ readonly id: number | string | null }>`SELECT MAX(migration_id) AS id FROM ${sql(table)}`
      const at = Number(row?.id ?? 0)
      if (at > latest) {
        return yield* new RestoreLedger.LedgerError({
          ledger,
          reason: "NewerSchema",
          detail: `it was written by a newer version of dds-restore (schema ${at}; this version knows up to ${latest}). ` +
            "It was left as it is: upgrade @dds-restore/ledger-sql (the dds-restore command line), or give another ledger."
        })
      }
      if (at === latest) return
    } else if (names.size > 0) {
      return yield* new RestoreLedger.LedgerError({
        ledger,
        reason: "NotALedger",
        detail: `the database holds other tables (${[...names].sort().slice(0, 5).join(", ")}) and no restore ledger. ` +
          "It was left as it is: give the path of a ledger, or of a file that does not exist yet."
      })
    }
    yield* sql.onDialectOrElse({
      // The migrator finds out whether its table exists by a statement that fails when it does
      // not, which would end the transaction: under the lock, it is made here first, as the
      // migrator makes it.
      pg: () =>
        sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
          migration_id integer primary key,
          created_at timestamp with time zone not null default now(),
          name text not null
        )`,
      orElse: () => Effect.void
    })
    yield* Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: table }).pipe(
      // SQLite processes take turns for the write lock: one refused as busy tries again.
      Effect.retry({ while: (error) => isBusy(error), schedule: busyRetry }),
      Effect.mapError((error) =>
        new RestoreLedger.LedgerError({ ledger, reason: "Failed", detail: `migrating it: ${error.message}${causeOf(error)}` })
      )
    )
  })

// The database's own words behind @effect/sql's "Failed to execute statement".
const causeOf = (error: { readonly cause?: unknown }): string => {
  const cause = error.cause
  const message = typeof cause === "object" && cause !== null ? (cause as { readonly message?: unknown }).message : undefined
  const code = codeOf(error)
  return typeof message === "string" ? ` (${code === undefined ? "" : `${code}: `}${message})` : ""
}
