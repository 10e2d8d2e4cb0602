// What tests do to a ledger file behind the ledger's back, as another program would.
import * as Effect from "effect/Effect"
import Database from "libsql"

/** Runs statements on the file with the driver alone, as another program would. */
export const withDriver = (filename: string, statements: string) =>
  Effect.sync(() => {
    const db = new Database(filename)
    try {
      db.exec(statements)
    } finally {
      db.close()
    }
  })
