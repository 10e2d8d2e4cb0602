// Where a ledger is, from what the user gave (DDS_RESTORE_LEDGER, --ledger): a postgres:// URL or a
// file path. A URL may hold a password, so it stays Redacted, and the name the ledger goes by in
// messages is rebuilt from its parts without the password or the query (which may hold one too).
// When nothing is given, the ledger is an SQLite file in the user's state folder.
import { RestoreLedger } from "@dds-restore/client"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as path from "node:path"

/** A ledger's place: an SQLite file, or a PostgreSQL database with the name it goes by. */
export type Location =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted<string>; readonly name: string }

const postgresScheme = /^postgres(?:ql)?:\/\//i

/** Whether the text names a PostgreSQL database rather than a file. */
export const isPostgres = (text: string): boolean => postgresScheme.test(text.trim())

/**
 * The name of a PostgreSQL URL for messages: `postgres://user@host:port/database`, never its
 * password nor its query; undefined when it is not a URL.
 */
export const displayName = (url: Redacted.Redacted<string>): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(Redacted.value(url).trim())
  } catch {
    return undefined
  }
  if (parsed.hostname === "") return undefined
  const user = parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`
}

/**
 * A text with every form of the URL's password (as written, and percent-decoded) and the URL itself
 * replaced by `***`, for a message from a driver that might quote what it was given.
 */
export const scrub = (url: Redacted.Redacted<string>, text: string): string => {
  const raw = Redacted.value(url).trim()
  const secrets = [raw]
  try {
    const parsed = new URL(raw)
    if (parsed.password !== "") secrets.push(parsed.password, decodeURIComponent(parsed.password))
    for (const [name, value] of parsed.searchParams) {
      if (/pass/i.test(name) && value !== "") secrets.push(value)
    }
  } catch {
    // Not a URL: the text as a whole is all there is to hide.
  }
  // A secret is replaced where it stands alone, not inside a word, so that a short password does
  // not eat the letters of the message around it.
  return secrets.filter((secret) => secret.length > 0).reduce(
    (out, secret) => out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, "g"), "***"),
    text
  )
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Reads where a ledger is; a URL that cannot be read is refused without repeating it. */
export const parse = (given: string | Redacted.Redacted<string>): Either.Either<Location, RestoreLedger.LedgerError> => {
  const value = Redacted.isRedacted(given) ? given : Redacted.make(given)
  const text = Redacted.value(value).trim()
  if (text === "") {
    return Either.left(
      new RestoreLedger.LedgerError({
        ledger: "(empty)",
        reason: "Unopenable",
        detail: "no ledger was named. Give a file path or a postgres:// URL (--ledger or DDS_RESTORE_LEDGER)."
      })
    )
  }
  if (!isPostgres(text)) return Either.right({ _tag: "Sqlite", filename: text })
  const name = displayName(value)
  if (name === undefined) {
    return Either.left(
      new RestoreLedger.LedgerError({
        ledger: "a postgres:// URL",
        reason: "Unopenable",
        detail: "it is not a URL that can be read (it is not repeated here: it may hold a password). " +
          "Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, the password percent-encoded."
      })
    )
  }
  return Either.right({ _tag: "Postgres", url: Redacted.make(text), name })
}

/**
 * The SQLite ledger's file when none is named, after the XDG base directories: in
 * `$XDG_STATE_HOME` when it is an absolute path (the specification says to ignore a relative one),
 * else in `~/.local/state`; undefined when there is no home either.
 */
export const defaultFile = (given: { readonly stateHome: string | undefined; readonly home: string | undefined }): string | undefined => {
  const stateHome = given.stateHome?.trim()
  if (stateHome !== undefined && stateHome !== "" && path.isAbsolute(stateHome)) return path.join(stateHome, "dds-restore", "ledger.db")
  const home = given.home?.trim()
  if (home === undefined || home === "" || !path.isAbsolute(home)) return undefined
  return path.join(home, ".local", "state", "dds-restore", "ledger.db")
}
