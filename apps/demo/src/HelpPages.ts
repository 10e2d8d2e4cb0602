/**
 * The text help of every command, as @effect/cli renders it, saved by the build next to the
 * program (`dist/help-pages.json`, keyed by each command's usage) so that `--help` writes it
 * without laying it out again: @effect/printer's layout is most of what `--help` costs after
 * start-up. Which command the arguments ask help for is still @effect/cli's parser's answer (see
 * `HelpDocument.parse`); a command with no saved page (or no file, as when the program runs from
 * its sources) is rendered by @effect/cli as usual. The build makes the pages by running the
 * program itself without them, and the tests check that each page is exactly what @effect/cli writes.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as Option from "effect/Option"
import type * as HelpDocument from "./HelpDocument.js"

/**
 * The name of the file of saved pages, next to the program.
 *
 * @since 0.1.0
 */
export const fileName = "help-pages.json"

/**
 * The key of a command's page: its usage lines.
 *
 * @since 0.1.0
 */
export const key = (document: HelpDocument.Document): string => document.usage.join("\n")

let pages: Readonly<Record<string, string>> | undefined

/**
 * Every saved page, keyed by its command's usage; none when the file is missing or unreadable.
 *
 * @since 0.2.0
 */
export const all = (): Readonly<Record<string, string>> => {
  if (pages !== undefined) return pages
  try {
    // The program's directory: the bundle is a CommonJS script that bin.ts runs with it.
    const directory = typeof __dirname === "string" ? __dirname : undefined
    if (directory === undefined) return (pages = {})
    const read: unknown = JSON.parse(readFileSync(path.join(directory, fileName), "utf8"))
    pages = typeof read === "object" && read !== null ? read as Record<string, string> : {}
  } catch {
    pages = {}
  }
  return pages
}

/**
 * The saved page of the command a help document is for (without its last newline), if the build
 * saved one.
 *
 * @since 0.1.0
 */
export const find = (document: HelpDocument.Document): Option.Option<string> => {
  const saved = all()
  const page = Object.hasOwn(saved, key(document)) ? saved[key(document)] : undefined
  return typeof page === "string" ? Option.some(page) : Option.none()
}
