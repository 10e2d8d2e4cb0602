#!/usr/bin/env node
/**
 * The `dds-restore` command. It runs one of two bundled programs: `dds-restore-fast.cjs` for the
 * arguments the fast path answers (`--help`, `--version`, `validate <file>`, see `FastPath`),
 * which loads neither @effect/cli nor the platform's file system, and `dds-restore.cjs`, the full
 * program, for anything else. Which one is decided here from the arguments alone, before either
 * is loaded; the two answer those arguments alike, byte for byte (the tests compare them).
 *
 * Each runs with a V8 code cache: the first start saves the bytecode V8 compiled for it in the
 * user's cache directory (`$XDG_CACHE_HOME/dds-restore`, else `~/.cache/dds-restore`), and later
 * starts hand it back, so V8 neither parses nor compiles again what it already did. Node 20 caches
 * no compilation by itself (Node 22's module compile cache does not exist there) and offers a code
 * cache only to scripts, hence scripts and not ES modules. The cache is only ever a shortcut: when
 * it is missing, rejected by V8 (another Node, other flags) or cannot be written, the program runs
 * all the same.
 *
 * Each command has a cache of its own (`<build>-<command>-…bin`; `fast-help`, `fast-version` and
 * `fast-validate` for the fast path; `main` for the root's other arguments): a cache holds what the
 * run that saved it compiled, and a command started with another's cache would compile the rest of
 * its own code again at every start.
 *
 * @since 0.1.0
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { homedir } from "node:os"
import * as path from "node:path"
import * as vm from "node:vm"
import * as FastPath from "./FastPath.js"
import * as HelpPages from "./HelpPages.js"

// The hash of the two programs, set by the build: a cache belongs to one build of the program.
declare const DDS_RESTORE_BUILD: string
// The names of the program's subcommands, set by the build from the program's own help.
declare const DDS_RESTORE_COMMANDS: ReadonlyArray<string>

// A CommonJS script too (dist/package.json says so): Node starts it without its ES module loader.
const here = __dirname
const args = process.argv.slice(2)
// The fast path's program for the arguments it answers; the help pages are read only for help.
const route = FastPath.route(args, DDS_RESTORE_COMMANDS, FastPath.mayAskHelp(args) ? HelpPages.all() : {})
const program = path.join(here, route === undefined ? "dds-restore.cjs" : "dds-restore-fast.cjs")
const programRequire = createRequire(program)

const cacheDirectory = path.join(process.env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache"), "dds-restore")
const command = route !== undefined
  ? `fast-${route._tag.toLowerCase()}`
  : args.find((arg) => DDS_RESTORE_COMMANDS.includes(arg)) ?? "main"
const cacheFile = path.join(cacheDirectory, `${DDS_RESTORE_BUILD}-${command}-${process.arch}-v8-${process.versions.v8}.bin`)

const readCache = (): Buffer | undefined => {
  try {
    return readFileSync(cacheFile)
  } catch {
    return undefined
  }
}

// One file per command of this build: a new build's caches replace the others. Written to a
// temporary name and renamed, so that a process starting meanwhile reads a whole cache or none.
const saveCache = (script: vm.Script): void => {
  try {
    mkdirSync(cacheDirectory, { recursive: true, mode: 0o700 })
    const temporary = `${cacheFile}.${process.pid}.tmp`
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 })
    renameSync(temporary, cacheFile)
    for (const name of readdirSync(cacheDirectory)) {
      const file = path.join(cacheDirectory, name)
      if (!name.startsWith(`${DDS_RESTORE_BUILD}-`) && name.endsWith(".bin")) rmSync(file, { force: true })
    }
  } catch {
    // A home that cannot be written only makes the next start slower.
  }
}

if (process.sourceMapsEnabled) {
  // Node reads source maps only for the modules it loads itself: no cache when stack traces should
  // name the TypeScript sources (NODE_OPTIONS=--enable-source-maps).
  programRequire(program)
} else {
  const cachedData = readCache()
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(program, "utf8")}\n})`,
    { filename: program, ...(cachedData === undefined ? {} : { cachedData }) }
  )
  // Saved at exit, so that the cache holds every function this run compiled, not only the first.
  if (cachedData === undefined || script.cachedDataRejected === true) process.once("exit", () => saveCache(script))
  const module = { exports: {} }
  const run = script.runInThisContext() as (...args: ReadonlyArray<unknown>) => void
  run(module.exports, programRequire, module, program, here)
}
