#!/usr/bin/env node
/**
 * The `dds-restore-emulator` command: serves the fake DDS service on loopback until SIGINT/SIGTERM.
 *
 * @since 0.1.0
 */
// The module alone: the package index loads every platform module (undici, cluster, ...) and slows start-up.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as EmulatorMain from "./EmulatorMain.js"

NodeRuntime.runMain(
  Effect.scoped(
    EmulatorMain.run(process.argv.slice(2), {
      out: (line) => console.log(line),
      err: (line) => console.error(line)
    })
  ).pipe(Effect.flatMap((code) => Effect.sync(() => (process.exitCode = code)))),
  { disableErrorReporting: true }
)
