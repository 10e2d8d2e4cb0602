// The ledger's schema, as @effect/sql migrations. The statements are the common ground of SQLite
// and PostgreSQL (TEXT, BIGINT, INTEGER, composite primary keys), so that one list serves both;
// a migration only ever adds to the schema, and a ledger whose latest migration is newer than
// the last one here was written by a newer version and is refused.
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

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
