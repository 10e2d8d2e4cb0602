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
 * Why a postgres:// URL's authority (`USER:PASSWORD@HOST:PORT`) cannot be told apart from the rest
 * of it, judged on the text as written (URL parsers end the authority at the first `/`, `?` or `#`,
 * so a password holding one of them, or an `@`, is read as host, port and path, and would be
 * printed as a name); undefined when it is unambiguous.
 */
export const ambiguity = (text: string): string | undefined => {
  // As a URL parser does: tabs and line breaks anywhere are dropped.
  const raw = text.trim().replace(/[\t\n\r]/g, "")
  const scheme = postgresScheme.exec(raw)
  if (scheme === null) return undefined
  const rest = raw.slice(scheme[0].length)
  const end = rest.search(/[/?#]/)
  const authority = end === -1 ? rest : rest.slice(0, end)
  const after = end === -1 ? "" : rest.slice(end)
  if (after.includes("@")) {
    return "an '@' stands after a '/', '?' or '#' that follows '://', so where the password ends cannot be told"
  }
  const at = authority.indexOf("@")
  if (at !== authority.lastIndexOf("@")) return "it has more than one '@' before the host, so where the password ends cannot be told"
  return undefined
}

/** What stands between `://`, the first ':' after it and the last '@' of the text as written, if any. */
const writtenPassword = (text: string): string | undefined => {
  const raw = text.trim().replace(/[\t\n\r]/g, "")
  const scheme = postgresScheme.exec(raw)
  if (scheme === null) return undefined
  const rest = raw.slice(scheme[0].length)
  const at = rest.lastIndexOf("@")
  if (at === -1) return undefined
  const colon = rest.indexOf(":")
  return colon === -1 || colon > at ? undefined : rest.slice(colon + 1, at)
}

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The name of a PostgreSQL URL for messages: `postgres://user@host:port/database`, never its
 * password nor its query; undefined when it is not a URL, or when its password cannot be told
 * apart from its host and path (see `ambiguity`).
 */
export const displayName = (url: Redacted.Redacted<string>): string | undefined => {
  const text = Redacted.value(url).trim()
  if (ambiguity(text) !== undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return undefined
  }
  if (parsed.hostname === "") return undefined
  // What the parser read as a password must be what stood between the first ':' and the '@' as
  // written, or its name could hold part of it.
  const written = writtenPassword(text)
  if ((written === undefined || written === "") !== (parsed.password === "")) return undefined
  const user = parsed.username === "" ? "" : `${decoded(parsed.username)}@`
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`
}

/**
 * A text with every form of the URL's password (as written, and percent-decoded) and the URL itself
 * replaced by `***`, for a message from a driver that might quote what it was given.
 */
export const scrub = (url: Redacted.Redacted<string>, text: string): string => {
  const raw = Redacted.value(url).trim()
  const secrets = [raw]
  const written = writtenPassword(raw)
  if (written !== undefined && written !== "") secrets.push(written, decoded(written))
  try {
    const parsed = new URL(raw)
    if (parsed.password !== "") secrets.push(parsed.password, decoded(parsed.password))
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

const schemeOf = (text: string): string => `a ${(postgresScheme.exec(text.trim())?.[0] ?? "postgres://").toLowerCase()} URL`

/**
 * The error refusing a postgres:// URL whose password cannot be told apart from its host and path
 * (see `ambiguity`); it quotes nothing of the URL but its scheme. Undefined when the URL is clear.
 */
export const refusal = (given: string | Redacted.Redacted<string>): RestoreLedger.LedgerError | undefined => {
  const text = Redacted.isRedacted(given) ? Redacted.value(given) : given
  const why = ambiguity(text)
  if (why === undefined) return undefined
  return new RestoreLedger.LedgerError({
    ledger: schemeOf(text),
    reason: "Unopenable",
    detail: `it cannot be read safely: ${why} (it is not repeated here: it may hold a password). ` +
      "Percent-encode '/', '#', '?', '@' and '%' in the password (%2F, %23, %3F, %40, %25): " +
      "postgres://USER:PASSWORD@HOST:PORT/DATABASE."
  })
}

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
  const refused = refusal(text)
  if (refused !== undefined) return Either.left(refused)
  const name = displayName(value)
  if (name === undefined) {
    return Either.left(
      new RestoreLedger.LedgerError({
        ledger: schemeOf(text),
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
