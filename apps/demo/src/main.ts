/**
 * The command line's program: runs it on the process's arguments and exits with its code. The
 * build bundles it into `dist/dds-restore.cjs`, which `bin.ts` runs.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Cli from "./Cli.js"
import * as Output from "./Output.js"

NodeRuntime.runMain(
  Cli.run(process.argv).pipe(
    Effect.flatMap((code) => Effect.sync(() => (process.exitCode = code))),
    Effect.provide(Output.layerProcess)
  ),
  { disableErrorReporting: true, disablePrettyLogger: true }
)
