/**
 * The `dds-restore` command line: its commands, its help text, and the exit code of a run.
 *
 * @since 0.1.0
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as DemoIds from "@dds-restore/testing/DemoIds"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Emulator from "./commands/Emulator.js"
import * as Job from "./commands/Job.js"
import * as Ledger from "./commands/Ledger.js"
import * as Plan from "./commands/Plan.js"
import * as Recover from "./commands/Recover.js"
import * as Restore from "./commands/Restore.js"
import * as Validate from "./commands/Validate.js"
import * as Windows from "./commands/Windows.js"
import * as Completions from "./Completions.js"
import * as Failure from "./Failure.js"
import * as Global from "./Global.js"
import * as HelpDocument from "./HelpDocument.js"
import * as HelpPages from "./HelpPages.js"
import * as Interruption from "./Interruption.js"
import * as Output from "./Output.js"
import * as RelativeTime from "./RelativeTime.js"
import * as Settle from "./Settle.js"
import * as Version from "./Version.js"

/**
 * The version the command line reports (`--version`): its package's.
 *
 * @since 0.1.0
 */
export const version: string = Version.version

/**
 * The help text of the root command.
 *
 * @since 0.1.0
 */
export const description = HelpDoc.blocks([
  HelpDoc.p("Validate, plan, submit and follow point-in-time restores of DDS (MongoDB-compatible) databases and collections."),
  HelpDoc.p(
    "Target: with no endpoint configured (no --endpoint, no --region, neither " +
      `${Global.endpointVariables.join(" nor ")}), every command runs against an embedded emulator on 127.0.0.1 ` +
      "with the demo fixture and its own credentials: no cloud account is used, and each command starts a fresh one. " +
      "Otherwise it talks to the configured service with AK/SK (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK) or IAM-token " +
      "(HUAWEICLOUD_SDK_IAM_USER, _DOMAIN, _PASSWORD) credentials and HUAWEICLOUD_SDK_PROJECT_ID."
  ),
  HelpDoc.p(
    `Demo instances: replica set ${DemoIds.ordersInstanceId} (dds-orders-demo, databases shop and analytics), ` +
      `sharded cluster ${DemoIds.shardedInstanceId}, incremental backup off ${DemoIds.noIncrementalInstanceId}.`
  ),
  HelpDoc.p(
    "Times in a plan file: epoch milliseconds, ISO-8601 with a zone, or (this command line only) relative to now: " +
      `${RelativeTime.syntax}.`
  ),
  HelpDoc.p(
    "Exit codes: 0 done; 1 invalid input or plan (preflight problems included); 2 service or transport error, a restore " +
      "ledger that cannot be used, or an instance busy with another process's submission; 3 the restore job failed; " +
      "4 the outcome is unknown (answer lost and job not found or not told apart, lease lost, a submission with an instance id recover builds no request from, or still running when the wait ended); " +
      "130 or 143 interrupted by SIGINT or SIGTERM (what was left is said on stderr); 141 standard output's reader went away."
  )
])

/**
 * The root command with every subcommand.
 *
 * @since 0.1.0
 */
export const command = Global.root.pipe(
  Command.withHandler(() =>
    Effect.zipRight(
      Output.note("Give a command: validate, plan, restore, job, windows, emulator, recover or ledger (dds-restore --help)."),
      Effect.fail(new Failure.Exit({ code: Failure.ExitCode.invalid }))
    )
  ),
  Command.withDescription(description),
  Command.withSubcommands([
    Validate.command,
    Plan.command,
    Restore.command,
    Job.command,
    Windows.command,
    Emulator.command,
    Recover.command,
    Ledger.command
  ])
)

const name = Version.name

const cli = Command.run(command, { name, version })

const config = CliConfig.make({ showBuiltIns: false })

// The help @effect/cli would print: with --json, as one JSON document; else its text, from the
// page the build saved (see HelpPages) or, without one, rendered by @effect/cli. Arguments that do
// not ask for help go to @effect/cli as usual.
const helpOrRun = (argv: ReadonlyArray<string>, json: boolean) =>
  Effect.flatMap(
    HelpDocument.parse(command, argv.slice(2), config),
    Option.match({
      onNone: () => cli(argv),
      onSome: (document) =>
        json ? Output.json(document) : Option.match(HelpPages.find(document), { onNone: () => cli(argv), onSome: Output.line })
    })
  )

/**
 * Whether `argv` (as `process.argv`) asks for one JSON document on standard output (`--json`).
 *
 * @since 0.1.0
 */
export const jsonRequested: (argv: ReadonlyArray<string>) => boolean = Settle.jsonRequested

/**
 * Runs the command line on `argv` (as `process.argv`: node and the script first) and gives the
 * exit code.
 *
 * @since 0.1.0
 */
export const run = (
  argv: ReadonlyArray<string>,
  options: Settle.Options & {
    /** Whether standard input is a terminal, which the wizard needs to ask its questions. */
    readonly stdinIsTerminal?: boolean
  } = {}
): Effect.Effect<number, never, Output.Output> => {
  const args = argv.slice(2)
  const json = jsonRequested(argv)
  const shell = Completions.requested(args.filter((arg) => arg !== "--json"))
  const program = shell !== undefined
    ? Effect.flatMap(Completions.script(command, name, shell), (script) => json ? Output.json({ shell, script }) : Output.line(script))
    : json && args.includes("--version")
    ? Output.json({ name, version })
    : args.includes("--wizard") && options.stdinIsTerminal === false
    // The wizard asks its questions on standard input: without a terminal there, it would wait forever.
    ? Failure.report(json)(Effect.fail({
      _tag: "InvalidOption",
      message: "--wizard asks its questions on a terminal, and standard input is not one: give the command and its options instead (dds-restore --help)"
    }))
    : HelpDocument.requested(args)
    ? helpOrRun(argv, json)
    : cli(argv)
  return settle(program, json, options).pipe(
    Effect.provide(Interruption.layer),
    Effect.provide(Layer.mergeAll(
      // What @effect/cli needs (files for its wizard and completions, paths, the terminal), and not
      // the rest of NodeContext (child processes, workers), which no command uses.
      NodeFileSystem.layer,
      NodePath.layer,
      NodeTerminal.layer,
      Layer.succeed(CliConfig.CliConfig, config),
      Output.logger
    ))
  )
}

/**
 * How a run of the command line ends (see `Settle`), with @effect/cli's refusal of the arguments:
 * exit code 1 (0 for the help it was asked for) after the text @effect/cli has written, and with
 * `json` one JSON document saying what was wrong.
 *
 * @since 0.1.0
 */
export const settle = <R>(
  program: Effect.Effect<unknown, unknown, R>,
  json: boolean,
  options: Settle.Options = {}
): Effect.Effect<number, never, R | Output.Output> =>
  Settle.settle(program, json, options, (error) => ValidationError.isValidationError(error) ? refused(error, json) : undefined)

// @effect/cli has already written what was wrong with the arguments (or the help asked for) on
// standard error; with --json, standard output still gets its one document.
const refused = (error: ValidationError.ValidationError, json: boolean): Effect.Effect<number, never, Output.Output> => {
  if (ValidationError.isHelpRequested(error)) return Effect.succeed(Failure.ExitCode.done)
  if (!json) return Effect.succeed(Failure.ExitCode.invalid)
  const message = HelpDoc.toAnsiText(error.error).replace(ansiEscape, "").trim()
  return Effect.as(
    Output.json({ error: { tag: error._tag, message, exit_code: Failure.ExitCode.invalid } }),
    Failure.ExitCode.invalid
  )
}

// eslint-disable-next-line no-control-regex -- the escape sequences of the ANSI rendering
const ansiEscape = /\u001b\[[0-9;]*m/g
