/**
 * The naming rules of docs/service.md as plain functions, shared by the name schemas and the plan
 * decoder's fast path so that both refuse the same names with the same words.
 */

const RESERVED_DATABASES: ReadonlySet<string> = new Set(["admin", "local", "config"])

// The characters MongoDB and the service refuse in a database name: / \ . " $ * < > : | ? space (and NUL, below).
const FORBIDDEN_IN_DATABASE = /[/\\."$*<>:|? ]/

const describeChar = (c: string): string => (c === " " ? "a space" : c === "\u0000" ? "a NUL character" : `"${c}"`)

/** Why `name` cannot be a database name, or `undefined` when it can. */
export const databaseNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return "a database name cannot be empty"
  if (name.length >= 64) return `a database name must be under 64 characters, ${JSON.stringify(name)} has ${name.length}`
  if (RESERVED_DATABASES.has(name)) return `"${name}" is reserved by MongoDB (admin, local, config): restore another database`
  const forbidden = name.includes("\u0000") ? "\u0000" : FORBIDDEN_IN_DATABASE.exec(name)?.[0]
  if (forbidden !== undefined) {
    return `database name ${JSON.stringify(name)} contains ${describeChar(forbidden)}, which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`
  }
  return undefined
}

/** Why `name` cannot be a collection name, or `undefined` when it can. */
export const collectionNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return "a collection name cannot be empty"
  if (name.includes("$")) return `collection name ${JSON.stringify(name)} contains "$", which a collection name cannot contain`
  if (name.includes("\u0000")) return `collection name ${JSON.stringify(name)} contains a NUL character, which a collection name cannot contain`
  if (name.startsWith("system.")) return `collection name ${JSON.stringify(name)} starts with "system.", which MongoDB reserves for its own collections`
  return undefined
}
