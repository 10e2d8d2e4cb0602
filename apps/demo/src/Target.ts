/**
 * Which DDS service a command talks to. With no endpoint configured (no `--endpoint`, no
 * `--region`, neither `HUAWEICLOUD_SDK_DDS_ENDPOINT` nor `HUAWEICLOUD_SDK_REGION`), an emulator is
 * started in-process on loopback with the demo fixture and its own credentials, so every command
 * works without a cloud account; otherwise the configured service, with AK/SK or IAM-token
 * credentials from the environment. Either way the requests are signed and sent over HTTP, and one
 * line on standard error says where they go (never with a credential). The restore ledger is the
 * one `--ledger` or `DDS_RESTORE_LEDGER` names (an SQLite file or a PostgreSQL URL), otherwise the
 * user's SQLite file in `$XDG_STATE_HOME/dds-restore` (`~/.local/state/dds-restore`).
 *
 * @since 0.1.0
 */
import { DdsConfig, type JobWatch, RestoreClient, type RestoreLedger, type Signer, type Transport } from "@dds-restore/client"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner, type Credentials } from "@dds-restore/signer-aksk"
import { TokenSigner } from "@dds-restore/signer-iam-token"
import { HttpTransport } from "@dds-restore/transport-http"
import type * as Command from "@effect/cli/Command"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as NodeOs from "node:os"
import * as DurationOption from "./DurationOption.js"
import * as Global from "./Global.js"
import * as Output from "./Output.js"
import * as TargetError from "./TargetError.js"

/**
 * How long a job of the embedded emulator runs, and how long a new one stays invisible: short, so
 * that `restore --wait` ends in seconds.
 *
 * @since 0.1.0
 */
export const embeddedTiming = { jobDuration: "3 seconds", jobVisibleAfter: "1 second" } as const

// The embedded emulator's jobs take 3 seconds: a few reads a second draw a live progress bar.
const embeddedWatch: JobWatch.Options = { initialInterval: "250 millis", maxInterval: "500 millis" }

// A real restore takes minutes to hours: the client's back-off, capped so a watcher sees changes.
const configuredWatch: JobWatch.Options = { maxInterval: "10 seconds" }

/**
 * What the commands need to know of their target beyond its client.
 *
 * @since 0.1.0
 */
export interface Service {
  /** How jobs are polled: briskly on the embedded emulator, whose jobs take seconds. */
  readonly jobWatch: JobWatch.Options
}

/**
 * The target the commands' client talks to.
 *
 * @since 0.1.0
 */
export class Target extends Context.Tag("@dds-restore/demo/Target")<Target, Service>() {}

/**
 * An environment variable of the command line holds a value it cannot use.
 *
 * @since 0.2.0
 */
export class InvalidSetting extends Schema.TaggedError<InvalidSetting>("@dds-restore/demo/InvalidSetting")("InvalidSetting", {
  variable: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.2.0 */
  override get message(): string {
    return `${this.variable}: ${this.detail}`
  }
}

const optionalVariable = (name: string) =>
  Config.option(Config.string(name)).pipe(Effect.map(Option.filter((value) => value.trim() !== "")), Effect.orDie)

/**
 * Whether no endpoint is configured at all, so the embedded emulator is used.
 *
 * @since 0.1.0
 */
export const isEmbedded = (settings: Global.Settings): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    if (Option.isSome(settings.endpoint) || Option.isSome(settings.region)) return false
    for (const name of Global.endpointVariables) {
      if (Option.isSome(yield* optionalVariable(name))) return false
    }
    return true
  })

const transportLayer: Layer.Layer<Transport.Transport> = HttpTransport.layer().pipe(Layer.provide(FetchHttpClient.layer))

/**
 * What a target provides: the client, its configuration, and the target itself.
 *
 * @since 0.1.0
 */
export type Provided = Target | RestoreClient.RestoreClient | DdsConfig.DdsConfig

/**
 * Every way setting up a target can fail.
 *
 * @since 0.1.0
 */
export type SetupError =
  | Emulator.EmulatorError
  | TargetError.TargetError
  | InvalidSetting
  | Credentials.CredentialsError
  | Signer.SignerError
  | RestoreLedger.LedgerError

/**
 * The environment variable that names the restore ledger when `--ledger` is not given.
 *
 * @since 0.2.0
 */
export const ledgerVariable = "DDS_RESTORE_LEDGER"

/**
 * The ledger the settings name: `--ledger`, else `DDS_RESTORE_LEDGER` (read as a secret: a URL may
 * hold a password), else the SQLite file every run of this user on this machine shares,
 * `$XDG_STATE_HOME/dds-restore/ledger.db` (`~/.local/state/dds-restore/ledger.db` when unset). The
 * embedded emulator's runs use it too: their keys name the emulator's endpoint, a new port at each
 * run, so they never meet another run's leases or job ids. A named ledger is announced on standard
 * error by its name without a password.
 *
 * @since 0.2.0
 */
export const ledgerLayer = (
  settings: Global.Settings
): Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError, Output.Output> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const given = Option.isSome(settings.ledger)
      ? Option.some(Redacted.make(settings.ledger.value))
      : Option.filter(yield* Config.option(Config.redacted(ledgerVariable)).pipe(Effect.orDie), (value) => Redacted.value(value).trim() !== "")
    // Loaded only by the commands that talk to the service: the SQL drivers stay out of the others.
    const { LedgerSql } = yield* Effect.promise(() => import("@dds-restore/ledger-sql"))
    // The default is announced nowhere, as no other default is; a named ledger is.
    if (Option.isNone(given)) return LedgerSql.layerDefault()
    yield* Output.note(`ledger: ${LedgerSql.nameOf(given.value)}`)
    return LedgerSql.layerLocation(given.value)
  }))

/**
 * The environment variable that sets the time to live of the instance leases this process takes
 * (30 s when unset): how soon another process takes over an instance whose submitter died.
 *
 * @since 0.2.0
 */
export const leaseTtlVariable = "DDS_RESTORE_LEASE_TTL"

/**
 * The shortest and the longest lease time to live `DDS_RESTORE_LEASE_TTL` may set: a lease is
 * renewed at a third of it, so a shorter one could run out on a loaded machine while its holder
 * lives; a longer one keeps an instance locked long after its submitter died.
 *
 * @since 0.2.0
 */
export const leaseTtlBounds = { min: Duration.seconds(2), max: Duration.minutes(10) } as const

/**
 * The time to live of this process's leases: `DDS_RESTORE_LEASE_TTL` when set (a duration within
 * `leaseTtlBounds`), else the client's default.
 *
 * @since 0.2.0
 */
export const leaseTtl: Effect.Effect<Option.Option<Duration.Duration>, InvalidSetting> = Effect.flatMap(
  optionalVariable(leaseTtlVariable),
  Option.match({
    onNone: () => Effect.succeedNone,
    onSome: (text) => {
      const ttl = DurationOption.parse(text)
      const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)
      if (Option.isNone(ttl)) {
        return new InvalidSetting({ variable: leaseTtlVariable, detail: `${shown} is not a duration: write ${DurationOption.syntax}` })
      }
      if (Duration.lessThan(ttl.value, leaseTtlBounds.min) || Duration.greaterThan(ttl.value, leaseTtlBounds.max)) {
        return new InvalidSetting({
          variable: leaseTtlVariable,
          detail: `${shown} is not from ${Duration.format(leaseTtlBounds.min)} to ${Duration.format(leaseTtlBounds.max)}`
        })
      }
      return Effect.succeedSome(ttl.value)
    }
  })
)

/**
 * Who this process is in the ledger's leases and journal: `dds-restore pid N on HOST`.
 *
 * @since 0.2.0
 */
export const holder = (): string => `dds-restore pid ${process.pid} on ${NodeOs.hostname()}`

const clientOver = <E>(
  target: Service,
  config: DdsConfig.Service,
  signer: Layer.Layer<Signer.Signer, E>,
  ledger: Layer.Layer<RestoreLedger.RestoreLedger, RestoreLedger.LedgerError, Output.Output>
): Layer.Layer<Provided, E | RestoreLedger.LedgerError | InvalidSetting, Output.Output> =>
  Layer.unwrapEffect(Effect.map(leaseTtl, (ttl) =>
    RestoreClient.layerWithoutLedger({
      holder: holder(),
      ...(Option.isSome(ttl) ? { lease: { ttl: ttl.value } } : {})
    })
  )).pipe(
    Layer.provideMerge(Layer.succeed(DdsConfig.DdsConfig, config)),
    Layer.provide(signer),
    Layer.provide(transportLayer),
    Layer.provide(ledger),
    Layer.merge(Layer.succeed(Target, target))
  )

const embedded = (
  settings: Global.Settings
): Layer.Layer<Provided, Emulator.EmulatorError | RestoreLedger.LedgerError | InvalidSetting, Output.Output> =>
  Layer.unwrapScoped(Effect.gen(function*() {
  const emulator = yield* Emulator.make(embeddedTiming)
  yield* Output.note(`target: embedded emulator at ${emulator.url} (demo fixture; no cloud account used)`)
  const credentials: ReadonlyArray<Credentials.Credentials> = emulator.credentials
  const [first] = credentials
  if (first === undefined) return yield* Effect.dieMessage("the demo fixture has no credentials")
  return clientOver(
    { jobWatch: embeddedWatch },
    { endpoint: emulator.url, projectId: emulator.projectId },
    AkSkSigner.layer(first),
    ledgerLayer(settings)
  )
}))

const configuredConfig = (settings: Global.Settings): Effect.Effect<DdsConfig.Service, TargetError.TargetError> =>
  Effect.configProviderWith((environment) => {
    // The options given are read as configuration under their own names, in front of the
    // environment, so that a problem with one names that option.
    const given = new Map<string, string>()
    const option = (name: string, value: string) => {
      given.set(name, value)
      return Config.string(name)
    }
    const projectId = Option.isSome(settings.projectId) ? { projectId: option("--project-id", settings.projectId.value) } : {}
    const located = Option.isSome(settings.endpoint)
      ? { endpoint: option("--endpoint", settings.endpoint.value) }
      : Option.isSome(settings.region)
      // A region given on the command line wins over HUAWEICLOUD_SDK_DDS_ENDPOINT: only the region's
      // own override variable is read as the endpoint, and when it is unset makeConfig falls back
      // to the region's public endpoint.
      ? { endpoint: Config.string(DdsConfig.regionOverrideVariable(settings.region.value)), region: option("--region", settings.region.value) }
      : {}
    return DdsConfig.makeConfig({ ...projectId, ...located }).pipe(
      Effect.withConfigProvider(ConfigProvider.orElse(ConfigProvider.fromMap(given), () => environment))
    )
  }).pipe(Effect.mapError(TargetError.fromConfigError))

const tokenSigner: Layer.Layer<Signer.Signer, ConfigError.ConfigError | Signer.SignerError | Credentials.CredentialsError> =
  TokenSigner.layerFromConfig().pipe(Layer.provide(transportLayer))

const signerIs = (variables: Readonly<{ ak: Option.Option<string>; sk: Option.Option<string>; user: Option.Option<string> }>) =>
  Option.isNone(variables.ak) && Option.isNone(variables.sk) && Option.isSome(variables.user) ? "IAM token" : "AK/SK"

const external = (settings: Global.Settings) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const config = yield* configuredConfig(settings)
    const how = signerIs({
      ak: yield* optionalVariable("HUAWEICLOUD_SDK_AK"),
      sk: yield* optionalVariable("HUAWEICLOUD_SDK_SK"),
      user: yield* optionalVariable("HUAWEICLOUD_SDK_IAM_USER")
    })
    yield* Output.note(`target: ${config.endpoint} (project ${config.projectId}; signed with ${how})`)
    const signer: Layer.Layer<Signer.Signer, TargetError.TargetError | Credentials.CredentialsError | Signer.SignerError> =
      Layer.mapError(
        how === "IAM token" ? tokenSigner : AkSkSigner.layerConfig(),
        (error) => ConfigError.isConfigError(error) ? TargetError.fromConfigError(error) : error
      )
    return clientOver({ jobWatch: configuredWatch }, config, signer, ledgerLayer(settings))
  }))

/**
 * The client of the chosen target, with its configuration and a description; building it writes
 * the target line on standard error.
 *
 * @since 0.1.0
 */
export const layer = (settings: Global.Settings): Layer.Layer<Provided, SetupError, Output.Output> =>
  Layer.unwrapEffect(
    Effect.map(
      isEmbedded(settings),
      (yes): Layer.Layer<Provided, SetupError, Output.Output> => yes ? embedded(settings) : external(settings)
    )
  )

/**
 * Runs a command's body against the target chosen by its options (and those before it); the
 * target is set up first and torn down when the body ends.
 *
 * @since 0.1.0
 */
export const provide = (own: Global.Settings) =>
<A, E, R>(
  body: Effect.Effect<A, E, R>
): Effect.Effect<
  A,
  E | SetupError,
  Exclude<R, Provided> | Output.Output | Command.Command.Context<"dds-restore">
> => Effect.flatMap(Global.settings(own), (chosen) => Effect.provide(body, layer(chosen)))
