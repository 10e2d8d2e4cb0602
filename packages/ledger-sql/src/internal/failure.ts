// What a database error means for the user of a ledger: the driver's error code, found anywhere
// in the cause chain, turned into a LedgerError that names the ledger and says what to do.
import { RestoreLedger } from "@dds-restore/client"

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

/** Whether the database was locked by another connection beyond the driver's busy timeout. */
export const isBusy = (error: unknown): boolean => {
  const code = codeOf(error)
  return code !== undefined && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
}

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
