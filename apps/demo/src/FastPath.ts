/**
 * The arguments the command line answers without @effect/cli: exactly `--help` or `-h` (alone or
 * after a command's name), `--version` (with or without `--json`) and `validate <file>` (with or
 * without `--json`). Those are what people and scripts run most often, and loading @effect/cli's
 * modules is most of what they would cost. `fast.ts` runs them with the same handler, output and
 * ending as the full program (`main.ts`); any other arguments, a misspelling, an unknown flag, an
 * option given twice, go to the full program, so the two cannot answer differently. The tests run
 * a table of arguments through both and compare every byte and the exit code.
 *
 * This module loads nothing but the package's name and version: `bin.ts` asks it which program to start before starting either.
 *
 * @since 0.2.0
 */
import * as Version from "./Version.js"

/**
 * What the arguments ask for, when the fast path answers them.
 *
 * @since 0.2.0
 */
export type Route =
  /** A command's help, as the page the build saved (without its last newline). */
  | { readonly _tag: "Help"; readonly page: string }
  | { readonly _tag: "Version"; readonly json: boolean }
  | { readonly _tag: "Validate"; readonly file: string; readonly json: boolean }


const isHelpFlag = (arg: string | undefined): boolean => arg === "--help" || arg === "-h"

/**
 * Whether the arguments (those after node and the script) may ask for a help page the fast path
 * writes, so that the saved pages need to be read only then.
 *
 * @since 0.2.0
 */
export const mayAskHelp = (args: ReadonlyArray<string>): boolean =>
  (args.length === 1 && isHelpFlag(args[0])) || (args.length === 2 && isHelpFlag(args[1]))

// A command's saved page: the one page whose usage starts with its name. None, or two (a command
// with subcommands of its own), and @effect/cli decides.
const pageOf = (pages: Readonly<Record<string, string>>, command: string): string | undefined => {
  const found = Object.keys(pages).filter((usage) => usage.split(" ")[0] === command)
  const page = found.length === 1 && found[0] !== undefined ? pages[found[0]] : undefined
  return typeof page === "string" ? page : undefined
}

// A plan file as @effect/cli reads it in every case: a path, or `-` for standard input, and
// nothing that could be taken for an option.
const isPlanFile = (arg: string | undefined): arg is string => arg !== undefined && arg.length > 0 && (arg === "-" || !arg.startsWith("-"))

/**
 * The route of the arguments (those after node and the script), given the saved help pages
 * (`HelpPages`, keyed by usage); `undefined` for anything else, which the full program answers.
 * `commands` are the names of the root command's subcommands.
 *
 * @since 0.2.0
 */
export const route = (
  args: ReadonlyArray<string>,
  commands: ReadonlyArray<string>,
  pages: Readonly<Record<string, string>>
): Route | undefined => {
  const [first, second, third, ...rest] = args
  if (rest.length > 0) return undefined
  if (args.length === 1 && isHelpFlag(first)) {
    const page = pageOf(pages, Version.name)
    return page === undefined ? undefined : { _tag: "Help", page }
  }
  if (args.length === 2 && first !== undefined && commands.includes(first) && isHelpFlag(second)) {
    const page = pageOf(pages, first)
    return page === undefined ? undefined : { _tag: "Help", page }
  }
  if (args.length === 1 && first === "--version") return { _tag: "Version", json: false }
  if (args.length === 2 && (first === "--version" && second === "--json" || first === "--json" && second === "--version")) {
    return { _tag: "Version", json: true }
  }
  if (first !== "validate" || !commands.includes("validate")) return undefined
  if (args.length === 2 && isPlanFile(second)) return { _tag: "Validate", file: second, json: false }
  if (args.length === 3 && second === "--json" && isPlanFile(third)) return { _tag: "Validate", file: third, json: true }
  if (args.length === 3 && third === "--json" && isPlanFile(second)) return { _tag: "Validate", file: second, json: true }
  return undefined
}
