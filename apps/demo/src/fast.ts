/**
 * The fast path: the arguments `FastPath` recognises (`--help`, `--version`, `validate <file>`)
 * answered without @effect/cli, with the handler, output and ending the full program uses, run
 * as a process (see `Process`). The build bundles it into `dist/dds-restore-fast.cjs`, which
 * `bin.ts` runs only for those arguments.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as FastPath from "./FastPath.js"
import * as Handler from "./Handler.js"
import * as HelpPages from "./HelpPages.js"
import * as Interruption from "./Interruption.js"
import * as Output from "./Output.js"
import * as Process from "./Process.js"
import * as Settle from "./Settle.js"
import * as Version from "./Version.js"

// The names of the program's subcommands, set by the build from the program's own help.
declare const DDS_RESTORE_COMMANDS: ReadonlyArray<string>

const validate = Handler.lazy(() => import("./handlers/Validate.js"))

const work = (route: FastPath.Route): Effect.Effect<void, unknown, Output.Output> => {
  switch (route._tag) {
    case "Help":
      return Output.line(route.page)
    case "Version":
      // As @effect/cli writes it: the version as a paragraph, then an empty line.
      return route.json ? Output.json({ name: Version.name, version: Version.version }) : Output.line(`${Version.version}\n`)
    case "Validate":
      // Imported when it runs, as the full program's validate does: --help and --version do not load the domain.
      return validate({ file: route.file, json: route.json })
  }
}

Process.run((argv, options) => {
  const args = argv.slice(2)
  // The saved pages only for help, as bin.ts reads them: validate and --version need none.
  const route = FastPath.route(args, DDS_RESTORE_COMMANDS, FastPath.mayAskHelp(args) ? HelpPages.all() : {})
  const json = Settle.jsonRequested(argv)
  // bin.ts starts this program only for a route: anything else is a bug of the bin, said as such.
  const program = route === undefined ? Effect.die(new Error(`no fast path for ${JSON.stringify(args)}`)) : work(route)
  return Settle.settle(program, json, options).pipe(Effect.provide(Interruption.layer), Effect.provide(Output.logger))
})
