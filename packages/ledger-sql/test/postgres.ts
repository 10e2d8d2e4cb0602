// The real PostgreSQL server the global setup (vitest.postgres.ts at the root) started: each test
// file gets a database of its own, and each ledger built from it a schema of its own, so tests
// never see each other's rows.
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { inject } from "vitest"

declare module "vitest" {
  export interface ProvidedContext {
    postgres: { readonly host: string; readonly port: number; readonly user: string; readonly password: string }
  }
}

/** The server's address and login, as the global setup provided them. */
export const server = () => inject("postgres")

/** A URL of a database of the server; `options` are `-c` settings for each connection. */
export const url = (database: string, options?: string): Redacted.Redacted<string> => {
  const { host, password, port, user } = server()
  const query = options === undefined ? "" : `?options=${encodeURIComponent(options)}`
  return Redacted.make(`postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}${query}`)
}

/** Runs statements on a database of the server with a client of its own, closed afterwards. */
export const withClient = <A, E>(database: string, use: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(PgClient.make({ url: url(database), maxConnections: 1 }), use)).pipe(Effect.provide(Reactivity.layer))

const created = new Map<string, Promise<void>>()

/**
 * This test file's database (`name`, letters, digits and `_`), created on first use; its URL with
 * each connection's search path set to `schema` when given.
 */
export const database = (name: string) =>
  Effect.promise(() => {
    let ready = created.get(name)
    if (ready === undefined) {
      ready = Effect.runPromise(withClient("postgres", (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(Effect.orDie, Effect.asVoid))
      created.set(name, ready)
    }
    return ready
  })

let schemas = 0

/**
 * A new, empty schema in this test file's database, and the URL whose connections work in it: a
 * fresh ledger every time it is used.
 */
export const freshSchema = (name: string) =>
  Effect.gen(function*() {
    yield* database(name)
    const schema = `ledger_${++schemas}_${Date.now().toString(36)}`
    yield* withClient(name, (sql) => sql.unsafe(`CREATE SCHEMA ${schema}`)).pipe(Effect.orDie)
    return { schema, url: url(name, `-c search_path=${schema}`) }
  })
