// What a database error means for the user of a ledger: the driver's error code, found anywhere
// in the cause chain, turned into a LedgerError that names the ledger and says what to do; and a
// database that is busy tried again, for a bounded time.
import { RestoreLedger } from "@dds-restore/client"
import { SqlError } from "@effect/sql/SqlError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"

/** The first string `code` of an error or of one of its causes (SqliteError, a Node system error). */
export const codeOf = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/**
 * Whether the database was locked by another connection beyond the driver's busy timeout (SQLite),
 * or chose this transaction as the victim of a deadlock or a serialization conflict (PostgreSQL):
 * either way nothing was written, and trying again is safe.
 */
export const isBusy = (error: unknown): boolean => {
  const code = codeOf(error)
  return code !== undefined &&
    (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || code === "40001" || code === "40P01")
}

// PostgreSQL (and the sockets to it): the server cannot be reached, or refuses the login or the
// database (invalid password, no such role, no such database).
const unreachable = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "28P01", "28000", "3D000", "08001", "08004"
])

// The connection to PostgreSQL went away while in use (server shutdown, a cut network, the
// backend terminated).
const connectionLost = new Set(["ECONNRESET", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006"])

const messageOf = (error: unknown): string => {
  let current: unknown = error
  let last = String(error)
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const message = (current as { readonly message?: unknown }).message
    if (typeof message === "string" && message.length > 0) last = message
    current = (current as { readonly cause?: unknown }).cause
  }
  return last
}

/**
 * Whether no connection to PostgreSQL was had within the connect timeout: the pool's connections
 * all stayed busy (pg-pool's wait for one is bounded by the same timeout), or the server was too
 * slow to accept a new one (told by pg, or, for the pool's first connection, by @effect/sql-pg's
 * own timer of the same length, whichever ends first). The statement never reached the server, so
 * trying again is safe.
 */
export const isConnectTimeout = (error: unknown): boolean => connectTimeoutOf(error) !== undefined

// The message that tells a connect timeout, anywhere in the cause chain: pg-pool wraps the
// client's own "Connection terminated unexpectedly" in its timeout error.
const connectTimeoutOf = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const message = (current as { readonly message?: unknown }).message
    if (
      typeof message === "string" &&
      (message.includes("timeout exceeded when trying to connect") || message.includes("Connection terminated due to connection timeout") ||
        message === "Connection timed out")
    ) return message
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/** The LedgerError of a failure while `doing` something with the ledger named `ledger`. */
export const classify = (ledger: string, doing: string, error: unknown): RestoreLedger.LedgerError => {
  const code = codeOf(error) ?? ""
  const cause = messageOf(error)
  if (isBusy(error)) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Locked",
      detail: `${doing}: the database stayed locked by another process (${cause}). ` +
        "Try again in a moment; if it lasts, find the process that holds the file open (fuser or lsof on it)."
    })
  }
  if (code === "SQLITE_NOTADB") {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "NotALedger",
      detail: `${doing}: the file is not an SQLite database (${cause}). ` +
        "Give the path of a ledger, or of a file that does not exist yet (--ledger PATH or DDS_RESTORE_LEDGER)."
    })
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Corrupt",
      detail: `${doing}: the database is corrupt (${cause}). ` +
        "Move the file aside (its journal is lost) and run again to start a new ledger, or put back a copy."
    })
  }
  const timedOut = connectTimeoutOf(error)
  if (timedOut !== undefined) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Failed",
      detail: `${doing}: no connection to the PostgreSQL server within the connect timeout, ${connectTries} times (${timedOut}). ` +
        "The server is slow to accept connections, or this process's pool of connections stayed busy: " +
        "check the server's load and its max_connections against the runners' pools, and that the URL's host and port are the server's."
    })
  }
  if (unreachable.has(code)) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Unopenable",
      detail: `${doing}: the PostgreSQL server cannot be reached or refused the login (${cause}). ` +
        "Check the URL's host, port, user, password and database, and that the server runs and accepts connections from here " +
        "(--ledger or DDS_RESTORE_LEDGER)."
    })
  }
  if (connectionLost.has(code) || /Connection terminated/i.test(cause)) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Failed",
      detail: `${doing}: the connection to the PostgreSQL server was lost (${cause}). ` +
        "A lease held meanwhile may have run out: its holder's next write is refused if another took it over."
    })
  }
  if (
    cause.includes("Unable to open connection") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM") ||
    code.startsWith("SQLITE_IOERR") || code === "EACCES" || code === "ENOTDIR" || code === "EROFS" || code === "EEXIST" ||
    code === "EISDIR"
  ) {
    return new RestoreLedger.LedgerError({
      ledger,
      reason: "Unopenable",
      detail: `${doing}: it cannot be created or opened (${cause}). ` +
        "Check that its folder can be created and written by this user, or give another path (--ledger PATH or DDS_RESTORE_LEDGER)."
    })
  }
  return new RestoreLedger.LedgerError({ ledger, reason: "Failed", detail: `${doing}: ${cause}` })
}

// SQLite refuses a write as busy once another process has held the file's write lock for longer
// than the connection's short busy timeout, and a PostgreSQL transaction can be chosen as a
// deadlock's victim: nothing was written, so it is tried again, with growing jittered pauses of at
// most 250 ms, for up to 10 seconds before the ledger is reported locked. Ten processes opening
// one new ledger at once race on its first writes.
export const busyRetry = Schedule.exponential("5 millis").pipe(
  Schedule.modifyDelay((delay) => Duration.min(delay, Duration.millis(250))),
  Schedule.jittered,
  Schedule.upTo("10 seconds")
)

/**
 * How many times a statement is tried when no connection is had within the connect timeout: a
 * pool kept busy for a moment (many fibers, a machine under load) is waited out, a server that
 * stays out of reach is reported after `connectTries` timeouts.
 */
export const connectTries = 3

const isSqlError = (error: unknown): boolean => (error as { readonly _tag?: unknown })._tag === "SqlError"

/**
 * When to try again what failed for want of a PostgreSQL connection within the connect timeout:
 * `connectTries` times in all, what `classify` says of such a failure. Every statement goes
 * through it (`guard`), so do the migration (`connectRetried`) and the pool's first connection
 * (`layerPg`). Only what never reached the server fails so, so trying it again is safe.
 */
export const connectRetry: Schedule.Schedule<unknown, unknown> = Schedule.intersect(
  Schedule.recurs(connectTries - 1),
  Schedule.jittered(Schedule.spaced("100 millis"))
).pipe(Schedule.whileInput((error: unknown) => isSqlError(error) && isConnectTimeout(error)))

/**
 * Tries `effect` again when no PostgreSQL connection was had within the connect timeout
 * (`connectRetry`). A transaction gets its connection before its first statement, and is rolled
 * back whole if it fails later, so it is tried again whole.
 */
export const connectRetried = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.retry(effect, connectRetry)

/**
 * Runs a statement (or a transaction) of the ledger named `ledger`: tried again while the database
 * is busy (`busyRetry`) and when no connection was had in time (`connectTries` in all), then any
 * SqlError told as the LedgerError of `doing` it.
 */
export const guard = (ledger: string, doing: string) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, SqlError> | RestoreLedger.LedgerError, R> =>
  effect.pipe(
    // @effect/sql turns a failed COMMIT into a defect; the transaction was rolled back (the
    // SQLite client does it; PostgreSQL does it with the failure), so it is a failure like any.
    Effect.catchSomeDefect((defect) => defect instanceof SqlError ? Option.some(Effect.fail(defect)) : Option.none()),
    Effect.retry({ while: (error) => isSqlError(error) && isBusy(error), schedule: busyRetry }),
    connectRetried,
    Effect.mapError((error) => isSqlError(error) ? classify(ledger, doing, error) : error)
  ) as Effect.Effect<A, Exclude<E, SqlError> | RestoreLedger.LedgerError, R>
