// The ledger's schema, as @effect/sql migrations. The statements are the common ground of SQLite
// and PostgreSQL (TEXT, BIGINT, INTEGER, composite primary keys), so that one list serves both;
// a migration only ever adds to the schema, and a ledger whose latest migration is newer than
// the last one here was written by a newer version and is refused.
import { RestoreLedger } from "@dds-restore/client"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { busyRetry, classify, isBusy, isCreateRace } from "./failure.js"

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

/** Every migration, by `<id>_<name>`: ids only grow, and a released one never changes. */
export const migrations = {
  "1_create_ledger": createLedger
}

/** The id of the last migration this version knows. */
export const latest = 1

/**
 * Brings a database to the ledger's schema: refuses a database that is not a ledger (it has tables
 * but not the ledger's) and one written by a newer version, and runs the migrations it lacks.
 */
export const migrate = (ledger: string): Effect.Effect<void, RestoreLedger.LedgerError, SqlClient.SqlClient> =>
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
    yield* Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: table }).pipe(
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
