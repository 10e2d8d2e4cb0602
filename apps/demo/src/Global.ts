/**
 * The root command `dds-restore` and its global options (`--endpoint`, `--region`,
 * `--project-id`), which choose the target, and `--ledger`, which chooses the restore ledger. They are accepted before the subcommand and after it;
 * after it wins.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The global options that choose the target (each `None` when not given).
 *
 * @since 0.1.0
 */
export interface Settings {
  readonly endpoint: Option.Option<string>
  readonly region: Option.Option<string>
  readonly projectId: Option.Option<string>
  readonly ledger: Option.Option<string>
}

/**
 * The variables whose presence means "talk to a real service".
 *
 * @since 0.1.0
 */
export const endpointVariables = ["HUAWEICLOUD_SDK_DDS_ENDPOINT", "HUAWEICLOUD_SDK_REGION"] as const

/**
 * The global options, to be added to the root command and to every command that talks to the
 * service.
 *
 * @since 0.1.0
 */
export const options = {
  endpoint: Options.text("endpoint").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      "The DDS API endpoint, e.g. https://dds.cn-north-4.myhuaweicloud.com or http://127.0.0.1:PORT of `dds-restore emulator` " +
        "(default: HUAWEICLOUD_SDK_DDS_ENDPOINT; with no endpoint and no region anywhere, the embedded emulator)"
    ),
    Options.optional
  ),
  region: Options.text("region").pipe(
    Options.withPseudoName("REGION"),
    Options.withDescription("A region id such as cn-north-4, turned into its public endpoint (default: HUAWEICLOUD_SDK_REGION)"),
    Options.optional
  ),
  projectId: Options.text("project-id").pipe(
    Options.withPseudoName("ID"),
    Options.withDescription("The project id (default: HUAWEICLOUD_SDK_PROJECT_ID); the embedded emulator uses its demo project"),
    Options.optional
  ),
  ledger: Options.text("ledger").pipe(
    Options.withPseudoName("PATH|URL"),
    Options.withDescription(
      "The restore ledger shared by every process that restores: an SQLite file path (one machine) or a postgres:// URL " +
        "(runners on many machines; its password is never printed) (default: DDS_RESTORE_LEDGER; otherwise $XDG_STATE_HOME/dds-restore/ledger.db, or ~/.local/state/dds-restore/ledger.db)"
    ),
    Options.optional
  )
}

/**
 * The root command, before its subcommands are attached; subcommands read its options from it.
 *
 * @since 0.1.0
 */
export const root = Command.make("dds-restore", options)

/**
 * The target settings of a subcommand: its own options, else those given before it.
 *
 * @since 0.1.0
 */
export const settings = (own: Settings): Effect.Effect<Settings, never, Command.Command.Context<"dds-restore">> =>
  Effect.map(root, (global) => ({
    endpoint: Option.orElse(own.endpoint, () => global.endpoint),
    region: Option.orElse(own.region, () => global.region),
    projectId: Option.orElse(own.projectId, () => global.projectId),
    ledger: Option.orElse(own.ledger, () => global.ledger)
  }))
