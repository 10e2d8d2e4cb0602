// Separate Node processes sharing one ledger file, as several `dds-restore` runs do: the worker
// (worker.ts) is bundled from the sources by esbuild, as apps/demo bundles its bin, into a
// scratch folder; libsql's native driver stays a module of its own, required by absolute path.
// Every process started here is killed when the scope that started it closes.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as esbuild from "esbuild"
import type { Args } from "./worker.js"

const here = path.dirname(fileURLToPath(import.meta.url))

// The SQLite driver, a dependency of this package: found from here.
const libsqlPath = () => createRequire(path.join(here, "../../package.json")).resolve("libsql")

/** Bundles the worker into a scratch folder and gives the path of the bundle. */
export const bundle = async (): Promise<string> => {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-worker-")), "worker.cjs")
  const libsql = libsqlPath()
  await esbuild.build({
    entryPoints: [path.join(here, "worker.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    conditions: ["@dds-restore/source"],
    logLevel: "error",
    plugins: [{
      name: "native-drivers",
      setup: (build) => {
        build.onResolve({ filter: /^libsql$/ }, () => ({ path: libsql, external: true }))
        build.onResolve({ filter: /^pg-native$/ }, () => ({ path: "pg-native", external: true }))
      }
    }]
  })
  return outfile
}

/** A running worker: the JSON lines it printed so far, one at a time, and its end. */
export interface Worker {
  readonly child: ChildProcess
  readonly next: Effect.Effect<unknown>
  readonly exit: Effect.Effect<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }>
}

/** Starts `node <bundle> <args>`; it is SIGKILLed when the scope closes, if it still runs. */
export const start = (worker: string, args: Args): Effect.Effect<Worker, never, Scope.Scope> =>
  Effect.gen(function*() {
    const lines = yield* Queue.unbounded<unknown>()
    const ended = yield* Deferred.make<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }>()
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(process.execPath, [worker, JSON.stringify(args)], { stdio: ["pipe", "pipe", "pipe"] })),
      (child) => Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
    )
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const complete = stdout.split("\n")
      stdout = complete.pop() ?? ""
      for (const line of complete) if (line.trim() !== "") Queue.unsafeOffer(lines, JSON.parse(line))
    })
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("close", (code, signal) => Deferred.unsafeDone(ended, Effect.succeed({ code, signal, stderr })))
    return { child, next: Queue.take(lines), exit: Deferred.await(ended) }
  })

/** Fails the test with what the worker said when it does not get there within `limit`. */
export const within = <A>(limit: Duration.DurationInput, what: string, effect: Effect.Effect<A>): Effect.Effect<A> =>
  Effect.timeoutFail(effect, { duration: limit, onTimeout: () => new Error(`${what} did not happen within ${Duration.format(limit)}`) }).pipe(
    Effect.orDie
  )
