// Running the built command line as a subprocess, as people and scripts do: the build, a clean
// environment (no cloud settings, an empty home), and emulators served by `dds-restore emulator`.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process"
import { closeSync, constants, mkdtempSync, openSync } from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { DemoFixture } from "@dds-restore/testing"
import * as Redacted from "effect/Redacted"

export const root = fileURLToPath(new URL("../../../", import.meta.url))
export const bin = path.join(root, "apps/demo/dist/bin.js")
export const demoInstance = DemoFixture.ordersInstanceId
export const demoSecret = Redacted.value(DemoFixture.secretAccessKey)

/** Builds the bin users get (apps/demo/build.mjs), from the packages' sources; test/globalSetup.ts runs it once for all files. */
export const build = (): Promise<void> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(root, "apps/demo/build.mjs")],
      { cwd: root },
      (error, stdout, stderr) => (error === null ? resolve() : reject(new Error(`the build failed:\n${stdout}${stderr}`)))
    )
  })

const home = mkdtempSync(path.join(tmpdir(), "dds-restore-home-"))

/** An environment with no cloud settings and an empty home (no ~/.huaweicloud/credentials). */
export const cleanEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env["PATH"] ?? "",
  HOME: home,
  ...extra
})

/** The environment of the configured target, with the demo project's credentials. */
export const demoCredentials = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv =>
  cleanEnv({
    HUAWEICLOUD_SDK_AK: DemoFixture.accessKeyId,
    HUAWEICLOUD_SDK_SK: demoSecret,
    HUAWEICLOUD_SDK_PROJECT_ID: DemoFixture.projectId,
    ...extra
  })

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `node <script> <args>` to its end from the repository's root, with `input` (else nothing) on
 * its stdin; or, given `meanwhile`, with its stdin left open and the child handed to `meanwhile`
 * (to signal it). A child a signal ended has the code -1.
 */
export const runScript = (
  script: string,
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = cleanEnv(),
  input?: string,
  meanwhile?: (child: ChildProcess) => void
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code: code ?? (signal === null ? null : -1), stdout, stderr }))
    if (meanwhile === undefined) child.stdin.end(input ?? "")
    else meanwhile(child)
  })

/**
 * Runs `node <script> <args>` to its end, its stdin left open, as `runScript` does with `meanwhile`,
 * but with its standard output a real pipe (a FIFO, which holds 64 KiB on Linux) that nothing
 * reads until the promise `meanwhile` returns has resolved: the writer fills it and queues the
 * rest. (A child's pipe from `spawn` is a socket pair, which the parent also reads ahead into its
 * own buffer: how much it holds is not known.)
 */
export const runScriptSlowly = (
  script: string,
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv,
  meanwhile: (child: ChildProcess) => Promise<void>
): Promise<Result> => {
  const fifo = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-slow-")), "stdout")
  execFileSync("mkfifo", [fifo])
  // The reading end first, without waiting for a writer; then the writing end, which has its reader.
  const reading = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
  const writing = openSync(fifo, constants.O_WRONLY)
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: ["pipe", writing, "pipe"] })
    closeSync(writing)
    let stdout = ""
    let stderr = ""
    let code: number | null = null
    let ended = 0
    const end = () => {
      if (++ended === 2) resolve({ code, stdout, stderr })
    }
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (exitCode, signal) => {
      code = exitCode ?? (signal === null ? null : -1)
      end()
    })
    meanwhile(child).then(() => {
      new Net.Socket({ fd: reading, readable: true, writable: false }).setEncoding("utf8")
        .on("data", (chunk: string) => (stdout += chunk))
        .on("end", end)
        .on("error", reject)
    }, reject)
  })
}

/** Runs `dds-restore <args>` to its end from the repository's root, with `input` (else nothing) on its stdin. */
export const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = cleanEnv(), input?: string): Promise<Result> =>
  runScript(bin, args, env, input)

export interface Started {
  readonly pid: number
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves when it has ended, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly kill: (signal: NodeJS.Signals) => void
}

const running = new Set<Started>()

/** Starts `dds-restore <args>` from the repository's root, without waiting for it (nothing on its stdin). */
export const start = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = cleanEnv()): Started => {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const started: Started = {
    pid: child.pid ?? 0,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise((resolve) =>
      child.on("close", (code, signal) => {
        running.delete(started)
        resolve({ code, signal })
      })
    ),
    kill: (signal) => child.kill(signal)
  }
  running.add(started)
  return started
}

/** Kills (SIGKILL) every process `start` started that is still running, and waits for their end: a test's finalizer. */
export const killStarted = async (): Promise<void> => {
  const left = [...running]
  for (const started of left) started.kill("SIGKILL")
  await Promise.all(left.map((started) => started.exited))
}

/** Runs a shell command to its end (for `script`, which gives the command line a terminal). */
export const shell = (command: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Result> =>
  new Promise((resolve, reject) => {
    execFile("/bin/sh", ["-c", command], { cwd: root, env }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== "number") return reject(error)
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    })
  })

export interface Served {
  readonly url: string
  readonly stdout: () => string
  readonly stderr: () => string
  /** Interrupts it (SIGINT) and gives its exit code. */
  readonly stop: () => Promise<number | null>
}

/** Starts `dds-restore emulator <args>` and resolves once it says where it listens. */
export const serve = (args: ReadonlyArray<string>): Promise<Served> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "emulator", ...args], { cwd: root, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    const closed = new Promise<number | null>((done) => child.on("close", done))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const url = /^listening on (\S+)$/m.exec(stdout)?.[1]
      if (url !== undefined) {
        resolve({
          url,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: () => {
            child.kill("SIGINT")
            return closed
          }
        })
      }
    })
    child.on("error", reject)
    void closed.then((code) => reject(new Error(`the emulator ended (${code}) before listening:\n${stderr}`)))
  })

/** Parses the one JSON document standard output must hold. */
export const document = (stdout: string): Record<string, unknown> => JSON.parse(stdout) as Record<string, unknown>

/**
 * What the task list behind a `losingProxy` shows: never a job (`empty`); never a job until a
 * restore is sent, then a 400 instead of the list (`unreadable`); or the emulator's jobs each
 * listed twice, the second with `-twin` after its id, as if another restore of the instance had
 * started at the same moment (`doubled`).
 */
export type TaskList = "empty" | "unreadable" | "doubled"

/**
 * A proxy in front of an emulator that loses every answer to a restore (after the emulator has
 * accepted it) and whose task list never shows a job (or as `taskList` says): the client cannot
 * tell whether the restore started. Everything else passes through unchanged, signatures included.
 */
export const losingProxy = (
  target: string,
  taskList: TaskList = "empty"
): Promise<{ readonly url: string; readonly close: () => Promise<void> }> =>
  new Promise((resolve) => {
    let restoreSent = false
    const server = Http.createServer((request, response) => {
      const url = new URL(request.url ?? "/", target)
      if (request.method === "GET" && url.pathname.startsWith("/v3.1/") && taskList !== "doubled") {
        const unreadable = taskList === "unreadable" && restoreSent
        response.writeHead(unreadable ? 400 : 200, { "content-type": "application/json" })
        response.end(JSON.stringify(
          unreadable ? { error_code: "DBS.280001", error_msg: "the task list is not available" } : { jobs: [], total_count: 0 }
        ))
        return
      }
      const upstream = Http.request(url, { method: request.method, headers: request.headers }, (answer) => {
        if (request.method === "POST" && url.pathname.endsWith("/restore/collections")) {
          restoreSent = true
          answer.resume()
          request.socket.destroy()
          return
        }
        if (request.method === "GET" && url.pathname.startsWith("/v3.1/")) {
          let body = ""
          answer.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => {
            const listed = JSON.parse(body) as { jobs?: ReadonlyArray<{ id: string }>; total_count?: number }
            response.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" })
            response.end(
              listed.jobs === undefined || listed.total_count === undefined ? body : JSON.stringify({
                jobs: listed.jobs.flatMap((job) => [job, { ...job, id: `${job.id}-twin` }]),
                total_count: listed.total_count * 2
              })
            )
          })
          return
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      })
      request.pipe(upstream)
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
