// The lease of an instance, a row per endpoint, project and instance: taken with one atomic upsert
// that only succeeds when the row is free or ran out (its token grown by one at every new holder),
// waited for by polling (and woken at once by a release in this process), renewed and released
// under its token; and every write of the journal fenced by that token in the same transaction.
import { RestoreLedger } from "@dds-restore/client"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { guard } from "./failure.js"
import type { LeaseRow } from "./journal.js"

/** What the journal's writes need of the leases, and the leases' part of the ledger's service. */
export interface Leases {
  readonly acquire: RestoreLedger.Service["acquire"]
  readonly renew: RestoreLedger.Service["renew"]
  readonly release: RestoreLedger.Service["release"]
  /** Runs a write in a transaction whose first statement checks the lease's token. */
  readonly fenced: <A, E>(lease: RestoreLedger.Lease, write: Effect.Effect<A, E>) => Effect.Effect<A, E | SqlError | RestoreLedger.LeaseLost>
}

/** The leases of the ledger named `ledger` over `sql`, polled every `pollInterval` ms while held by another process. */
export const make = (sql: SqlClient.SqlClient, ledger: string, pollInterval: number): Leases => {
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
        const taken = yield* guard(ledger, "taking the lease of an instance")(tryTake(key, acquireOptions.holder, ttl, now)).pipe(
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

const renew: RestoreLedger.Service["renew"] = (lease, ttl) =>
  Effect.gen(function*() {
    const expiresAt = (yield* Clock.currentTimeMillis) + Duration.toMillis(ttl)
    const rows = yield* sql`UPDATE dds_restore_leases SET expires_at = ${expiresAt}
      WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId}
      AND instance_id = ${lease.key.instanceId} AND token = ${lease.token} RETURNING token`
    if (rows.length === 0) return yield* leaseLost(lease)
    return { ...lease, expiresAt }
  }).pipe(guard(ledger, "renewing the lease of an instance"))

const release: RestoreLedger.Service["release"] = (lease) =>
  Effect.zipRight(
    sql`UPDATE dds_restore_leases SET expires_at = ${0}
      WHERE endpoint = ${lease.key.endpoint} AND project_id = ${lease.key.projectId}
      AND instance_id = ${lease.key.instanceId} AND token = ${lease.token}`,
    wake(RestoreLedger.keyString(lease.key))
  ).pipe(guard(ledger, "releasing the lease of an instance"))

  return { acquire, renew, release, fenced }
}
