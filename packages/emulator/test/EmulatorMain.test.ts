import { Emulator, EmulatorMain, EmulatorOptions } from "@dds-restore/emulator"
import { DemoFixture, Seed } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const capture = () => {
  const out: Array<string> = []
  const err: Array<string> = []
  return { out, err, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } }
}

const tempFile = (name: string, text: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "dds-emulator-"))
      const file = Path.join(dir, name)
      Fs.writeFileSync(file, text)
      return file
    }),
    (file) => Effect.sync(() => Fs.rmSync(Path.dirname(file), { recursive: true, force: true }))
  )

// Runs the bin's entry on a scope of its own, waits for its first lines, hands them to `use`, then
// closes the scope as SIGINT would.
const whileRunning = <A>(argv: ReadonlyArray<string>, use: (lines: ReadonlyArray<string>) => Effect.Effect<A>) =>
  Effect.gen(function*() {
    const { out, err, output } = capture()
    const scope = yield* Scope.make()
    const fiber = yield* Effect.forkDaemon(Scope.extend(EmulatorMain.run(argv, output), scope))
    yield* Effect.suspend(() => (out.length >= 4 || err.length > 0 ? Effect.void : Effect.fail("not yet"))).pipe(
      Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(500))))
    )
    expect(err).toEqual([])
    const result = yield* use(out)
    yield* Fiber.interrupt(fiber)
    yield* Scope.close(scope, Exit.void)
    return { result, out, err }
  })

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, body: await response.text() }
  })

describe("the dds-restore-emulator bin, in-process", () => {
  it.live("the first line is exactly `listening on http://127.0.0.1:PORT`, then the project and access key, never the secret", () =>
    Effect.gen(function*() {
      const { result: url, out } = yield* whileRunning(["--port", "0", "--job-duration", "2s"], (lines) =>
        Effect.gen(function*() {
          const [first = ""] = lines
          expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d{1,5}$/)
          const url = first.slice("listening on ".length)
          const state = yield* get(`${url}/_emulator/state`)
          expect(state.status).toBe(200)
          return url
        }))
      expect(out).toEqual([
        `listening on ${url}`,
        `project id: ${DemoFixture.projectId}`,
        `access key id: ${DemoFixture.accessKeyId}`,
        `secret keys and state: GET ${url}/_emulator/state`
      ])
      expect(out.join("\n")).not.toContain(Redacted.value(DemoFixture.secretAccessKey))
      // Closing the scope stopped the server.
      const after = yield* Effect.tryPromise(() => fetch(`${url}/_emulator/state`)).pipe(Effect.either)
      expect(after._tag).toBe("Left")
    }))

  it.live("--seed serves the seed file's project and credentials", () =>
    Effect.gen(function*() {
      const seed = Seed.make({
        projectId: "seededproject0001",
        credentials: [{ accessKeyId: "SEEDEDACCESSKEY00001", secretAccessKey: "seeded-secret-key" }],
        instances: [Seed.replicaSet({ id: "seededinstance1in02", name: "dds-seeded" })]
      })
      const file = yield* tempFile("seed.json", JSON.stringify(Schema.encodeSync(Seed.Seed)(seed)))
      const { out } = yield* whileRunning(["--seed", file], (lines) =>
        Effect.gen(function*() {
          const state = yield* get(`${(lines[0] ?? "").slice("listening on ".length)}/_emulator/state`)
          const body = JSON.parse(state.body) as { instances: ReadonlyArray<{ id: string; name: string }> }
          expect(body.instances.map((i) => [i.id, i.name])).toEqual([["seededinstance1in02", "dds-seeded"]])
        }))
      expect(out.slice(1, 3)).toEqual(["project id: seededproject0001", "access key id: SEEDEDACCESSKEY00001"])
      expect(out.join("\n")).not.toContain("seeded-secret-key")
    }).pipe(Effect.scoped))

  it.scoped("a seed file that is not a seed: exit code 1 and a clear error, nothing on stdout", () =>
    Effect.gen(function*() {
      const file = yield* tempFile("bad.json", JSON.stringify({ projectId: "p", instances: "none" }))
      const { out, err, output } = capture()
      const code = yield* EmulatorMain.run(["--seed", file], output)
      expect(code).toBe(1)
      expect(out).toEqual([])
      expect(err.length).toBe(1)
      expect(err[0]).toContain(`The seed file ${file} could not be used: `)
      expect(err[0]).toContain("instances")
    }))

  it.scoped("a seed file that is not there: exit code 1 naming the file", () =>
    Effect.gen(function*() {
      const { err, output } = capture()
      const code = yield* EmulatorMain.run(["--seed", "/nonexistent/seed.json"], output)
      expect(code).toBe(1)
      expect(err[0]).toContain("The seed file /nonexistent/seed.json could not be used: ENOENT")
    }))

  it.scoped("a huge seed path: the message shows its first 200 characters and the reason's first 1000", () =>
    Effect.gen(function*() {
      const path = `/nonexistent/${"d".repeat(100_000)}.json`
      const { err, output } = capture()
      const code = yield* EmulatorMain.run(["--seed", path], output)
      expect(code).toBe(1)
      expect(err).toHaveLength(1)
      expect(err[0]?.startsWith(`The seed file ${path.slice(0, 200)}… (${path.length - 200} more characters) could not be used: ENAMETOOLONG`)).toBe(true)
      expect(err[0]).toContain(`… (${`ENAMETOOLONG: name too long, open '${path}'`.length - 1_000} more characters). Fix the file`)
      expect(err[0]?.length).toBeLessThan(1_500)
    }))

  it("a huge host: the message shows its first 200 characters and the reason's first 1000", () => {
    const host = "h".repeat(100_000)
    const detail = `getaddrinfo ENOTFOUND ${host}`
    expect(new Emulator.EmulatorError({ host, port: 8080, detail }).message).toBe(
      `The emulator could not listen on ${"h".repeat(200)}… (99800 more characters):8080: ${detail.slice(0, 1_000)}… (${detail.length - 1_000} more characters). ` +
        "Choose another port (0 picks a free one) or a host address of this machine."
    )
  })

  it.scoped("a bad fault spec: exit code 1 naming the bad item", () =>
    Effect.gen(function*() {
      const { out, err, output } = capture()
      const code = yield* EmulatorMain.run(["--faults", "throttle=0.2,error5xx=lots"], output)
      expect(code).toBe(1)
      expect(out).toEqual([])
      expect(err).toEqual([
        `--faults "throttle=0.2,error5xx=lots": error5xx=lots: expected a rate from 0 to 1, for example 0.2 (run with --help for the options).`
      ])
    }))

  it.live("a port in use: exit code 1 naming the address", () =>
    Effect.gen(function*() {
      const { result: port } = yield* whileRunning([], (lines) =>
        Effect.gen(function*() {
          const port = (lines[0] ?? "").split(":").at(-1) ?? ""
          const { err, output } = capture()
          const code = yield* Effect.scoped(EmulatorMain.run(["--port", port], output))
          expect(code).toBe(1)
          expect(err[0]).toContain(`The emulator could not listen on 127.0.0.1:${port}: `)
          return port
        }))
      expect(Number(port)).toBeGreaterThan(0)
    }))

  it.scoped("--help prints the usage and exits 0", () =>
    Effect.gen(function*() {
      const { out, output } = capture()
      expect(yield* EmulatorMain.run(["--help"], output)).toBe(0)
      expect(out).toEqual([EmulatorOptions.usage])
    }))
})
