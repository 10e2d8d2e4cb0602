// The command line against hostile answers and hostile input (issue 13), as a subprocess of the
// built bin: a 2xx answer nested past any sane depth, an answer over the transport's cap, a token
// holding a line break, credentials in an endpoint URL, a plan on standard input over 16 MiB. Each
// ends with its typed message and exit code, and nothing is sent that should not be.
import { mkdtempSync } from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { DemoFixture } from "@dds-restore/testing"
import { cleanEnv, demoCredentials, demoInstance, document, run } from "./support.js"

interface Canned {
  readonly url: string
  /** What the server was sent, `METHOD /path?query` each, in order. */
  readonly requests: Array<string>
  readonly close: () => Promise<void>
}

type Answer = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

const servers = new Set<Canned>()

// A server on 127.0.0.1 giving canned answers, which no emulator would send: the test's `answer`
// for the requests it knows, otherwise an empty task list (what a restore reads first).
const canned = (answer: Answer): Promise<Canned> =>
  new Promise((resolve) => {
    const requests: Array<string> = []
    const server = Http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`)
      request.resume()
      request.on("end", () => answer(request, response))
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      const served: Canned = {
        url: `http://127.0.0.1:${address.port}`,
        requests,
        close: () =>
          new Promise((done) => {
            servers.delete(served)
            server.closeAllConnections()
            server.close(() => done())
          })
      }
      servers.add(served)
      resolve(served)
    })
  })

afterEach(async () => {
  await Promise.all([...servers].map((server) => server.close()))
})

const json = (response: Http.ServerResponse, status: number, body: string) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  response.end(body)
}

const noTasks: Answer = (_request, response) => json(response, 200, JSON.stringify({ jobs: [], total_count: 0 }))

const project = DemoFixture.projectId
const MiB = 1024 * 1024
const plan = "examples/database-plan.json"

describe("a hostile answer ends in a typed error and its exit code, never a silent exit", () => {
  it("a 2xx answer to the restore nested 5,000 deep is an answer lost: settled from the task list, exit 4 with why", async () => {
    const nested = `${"[".repeat(5_000)}${"]".repeat(5_000)}`
    const server = await canned((request, response) =>
      request.method === "POST" ? json(response, 200, nested) : noTasks(request, response)
    )
    const result = await run(
      ["restore", plan, "--instance", demoInstance, "--no-preflight", "--reconcile-wait", "1s", "--endpoint", server.url],
      demoCredentials()
    )
    expect(result.code).toBe(4)
    expect(result.stdout).toBe("")
    // The restore was sent once, never again; the task list read before it, then looked in until the wait ran out.
    const tasks = `GET /v3.1/${project}/jobs?start_time=`
    expect(server.requests.filter((request) => request.startsWith("POST"))).toStrictEqual([
      `POST /v3/${project}/instances/${demoInstance}/restore/collections`
    ])
    expect(server.requests[0]?.startsWith(tasks)).toBe(true)
    expect(server.requests.slice(2).length).toBeGreaterThanOrEqual(1)
    expect(server.requests.slice(2).every((request) => request.startsWith(tasks))).toBe(true)
    const error = result.stderr.split("\n").find((line) => line.startsWith("error: "))
    expect(error).toMatch(
      new RegExp(
        `^error: The restore on instance ${demoInstance} submitted at \\S+ may or may not have started: Its answer was lost: ` +
          "restore: the answer \\(HTTP 200\\) could not be read: the body is nested deeper than 64 levels \\(at character 64\\)\\. "
      )
    )
    expect(result.stderr).toContain(`The answer to a restore on instance ${demoInstance} was lost; looking for its job in the task list\n`)
  }, 60_000)

  it("an answer over the transport's cap (4 MiB) is AnswerTooLarge: exit 2, read once, not retried", async () => {
    const big = 5 * 1024 * 1024
    const server = await canned((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": big })
      response.end(Buffer.alloc(big, 0x20))
    })
    const result = await run(["job", "ff7e9e8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "--endpoint", server.url], demoCredentials())
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(server.requests).toStrictEqual([`GET /v3/${project}/jobs?id=ff7e9e8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b`])
    expect(result.stderr).toBe(
      `target: ${server.url} (project ${project}; signed with AK/SK)\n` +
        `error: GET ${server.url}/v3/${project}/jobs failed (AnswerTooLarge): the answer (status 200) declares 5242880 bytes, ` +
        "more than the 4194304 this transport reads (maxAnswerBytes). " +
        "The service may have received it: for a restore, look the job up (RestoreClient.reconcile) before trying again.\n"
    )
  }, 60_000)

  // Chunked, so no length is declared: the cap is found only by reading. The server writes up to
  // 256 MiB, as fast as the socket takes it, and counts what it wrote before the client went away.
  const overTheCap = () => {
    const state = { written: 0, closed: false }
    const answer: Answer = (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.on("close", () => (state.closed = true))
      const chunk = Buffer.alloc(64 * 1024, " ")
      const write = (): void => {
        while (state.written < 256 * MiB && !state.closed) {
          state.written += chunk.length
          if (!response.write(chunk)) return void response.once("drain", write)
        }
        if (!state.closed) response.end()
      }
      write()
    }
    return { state, answer }
  }

  it("a chunked task list over the cap ends the restore with AnswerTooLarge, exit 2, before the restore is sent, nothing left in the ledger", async () => {
    const endless = overTheCap()
    const server = await canned(endless.answer)
    const ledger = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-cap-")), "ledger.db")
    const result = await run(
      ["restore", plan, "--instance", demoInstance, "--no-preflight", "--endpoint", server.url, "--ledger", ledger, "--json"],
      demoCredentials()
    )
    const tasks = `/v3.1/${project}/jobs`
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatch(new RegExp(`^GET ${tasks}\\?start_time=`))
    const message = `GET ${server.url}${tasks} failed (AnswerTooLarge): the answer (status 200) is longer than the ${4 * MiB} bytes ` +
      "this transport reads (maxAnswerBytes). The service may have received it: for a restore, look the job up (RestoreClient.reconcile) before trying again."
    expect([result.code, document(result.stdout)["error"]]).toStrictEqual([2, {
      tag: "TransportError",
      message,
      exit_code: 2,
      reason: "AnswerTooLarge",
      method: "GET",
      url: `${server.url}${tasks}`,
      mayHaveReachedServer: true,
      detail: `the answer (status 200) is longer than the ${4 * MiB} bytes this transport reads (maxAnswerBytes)`
    }])
    // The client dropped the connection soon after the cap: the server could not write its 256 MiB.
    expect(endless.state.closed).toBe(true)
    expect(endless.state.written).toBeLessThan(64 * MiB)
    // Nothing half-done: no submission journaled, the instance's lease released.
    const listed = await run(["ledger", "--ledger", ledger, "--json"])
    const { leases, submissions } = document(listed.stdout) as { leases: ReadonlyArray<Record<string, unknown>>; submissions: ReadonlyArray<unknown> }
    expect([listed.code, submissions, leases.map((lease) => [lease["instance_id"], lease["state"]])]).toStrictEqual([
      0,
      [],
      [[demoInstance, "Released"]]
    ])
  }, 60_000)

  it("a chunked answer to the restore over the cap is an answer lost: searched for in the task list, exit 4, settled in the ledger", async () => {
    const endless = overTheCap()
    const server = await canned((request, response) => request.method === "POST" ? endless.answer(request, response) : noTasks(request, response))
    const ledger = path.join(mkdtempSync(path.join(tmpdir(), "dds-restore-cap-")), "ledger.db")
    const result = await run(
      ["restore", plan, "--instance", demoInstance, "--no-preflight", "--reconcile-wait", "1s", "--endpoint", server.url, "--ledger", ledger, "--json"],
      demoCredentials()
    )
    // Sent once and never again: the task list read before it, then searched until the wait ran out.
    expect(server.requests.filter((request) => request.startsWith("POST"))).toStrictEqual([
      `POST /v3/${project}/instances/${demoInstance}/restore/collections`
    ])
    expect(endless.state.closed).toBe(true)
    expect(endless.state.written).toBeLessThan(64 * MiB)
    const error = document(result.stdout)["error"] as Record<string, unknown>
    expect([result.code, error["tag"], error["exit_code"], error["instanceId"]]).toStrictEqual([4, "RestoreOutcomeUnknown", 4, demoInstance])
    expect(error["message"]).toMatch(new RegExp(
      `^The restore on instance ${demoInstance} submitted at \\S+Z may or may not have started: Its answer was lost: ` +
        `POST ${server.url}/v3/${project}/instances/${demoInstance}/restore/collections failed \\(AnswerTooLarge\\): ` +
        `the answer \\(status 200\\) is longer than the ${4 * MiB} bytes this transport reads \\(maxAnswerBytes\\)\\. `
    ))
    // Nothing half-done: the submission is settled in the ledger (no new task showed up within the
    // wait: NotStarted, its plan kept to submit again), not left unsettled, and the lease released.
    const listed = await run(["ledger", "--ledger", ledger, "--json"])
    const { leases, submissions } = document(listed.stdout) as {
      leases: ReadonlyArray<Record<string, unknown>>
      submissions: ReadonlyArray<Record<string, unknown>>
    }
    expect([listed.code, submissions.map((s) => [s["instance_id"], s["state"]]), leases.map((lease) => [lease["instance_id"], lease["state"]])])
      .toStrictEqual([0, [[demoInstance, "NotStarted"]], [[demoInstance, "Released"]]])
  }, 60_000)
})

describe("hostile input is refused before anything is sent", () => {
  it("a security token holding CR/LF is refused when it is loaded, naming the variable, not the value", async () => {
    const server = await canned(noTasks)
    const token = "TokenPart1\r\nX-Injected: TokenPart2"
    const result = await run(
      ["restore", plan, "--instance", demoInstance, "--endpoint", server.url],
      demoCredentials({ HUAWEICLOUD_SDK_SECURITY_TOKEN: token })
    )
    expect(result.code).toBe(1)
    expect(server.requests).toStrictEqual([])
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(
      "error: No usable AK/SK credentials (Invalid): HUAWEICLOUD_SDK_SECURITY_TOKEN holds a line break (CR or LF), " +
        "which a credential cannot hold (it is sent in an HTTP header): set it again without it."
    )
    expect(result.stderr).not.toContain("TokenPart")
    expect(result.stderr).not.toContain("X-Injected")
  }, 60_000)

  it("an ftp:// endpoint with a password is refused, the password nowhere in the output", async () => {
    const result = await run(["job", "ff7e9e8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "--endpoint", "ftp://user:PASSWORD@127.0.0.1/"], demoCredentials())
    const json = await run(["job", "ff7e9e8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "--json", "--endpoint", "ftp://user:PASSWORD@127.0.0.1/"], demoCredentials())
    const message = "The DDS service to use is not configured correctly. --endpoint: The endpoint \"ftp://127.0.0.1/\" must use https " +
      "(or http for a local emulator). Give an absolute URL such as https://dds.cn-north-4.myhuaweicloud.com, or a region instead."
    expect([result.code, result.stdout, result.stderr]).toStrictEqual([1, "", `error: ${message}\n`])
    expect(json.code).toBe(1)
    expect(document(json.stdout)).toMatchObject({ error: { tag: "TargetError", message, exit_code: 1 } })
    for (const output of [result.stdout, result.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain("PASSWORD")
      expect(output).not.toContain("user")
    }
  }, 60_000)

  const configured = "The DDS service to use is not configured correctly."
  const advice = "Give an absolute URL such as https://dds.cn-north-4.myhuaweicloud.com, or a region instead."
  const long = `https://${"a".repeat(300)}.example.com/?q`
  it.each<readonly [string, string]>([
    ["not a url", `--endpoint: The endpoint "not a url" is not an absolute URL. ${advice}`],
    ["ftp://x", `--endpoint: The endpoint "ftp://x" must use https (or http for a local emulator). ${advice}`],
    ["http://", `--endpoint: The endpoint "http://" is not an absolute URL. ${advice}`],
    [
      "https://user:PASSWORD@dds.example.com/x?token=SECRET",
      '--endpoint: The endpoint "https://dds.example.com/x" must not carry a user name or a password (not shown here): ' +
        "give it without them, the Signer authenticates every request."
    ],
    ["http://127.0.0.1:1/v3#SECRET", `--endpoint: The endpoint "http://127.0.0.1:1/v3" must not have a query or a fragment (not shown here). ${advice}`],
    [long, `--endpoint: The endpoint "${long.slice(0, 200)}…" must not have a query or a fragment (not shown here). ${advice}`]
  ])("--endpoint %s is refused with exit 1, saying what is wrong with it and what is expected, no secret shown", async (endpoint, problem) => {
    const server = await canned(noTasks)
    const result = await run(["plan", plan, "--instance", demoInstance, "--endpoint", endpoint, "--json"], demoCredentials())
    expect([result.code, document(result.stdout)]).toStrictEqual([
      1,
      { error: { tag: "TargetError", message: `${configured} ${problem}`, exit_code: 1, problems: [problem] } }
    ])
    expect(result.stderr).toBe(`error: ${configured} ${problem}\n`)
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/PASSWORD|SECRET|user:/)
    expect(server.requests).toStrictEqual([])
  }, 60_000)

  it("every problem of the target's settings is said, each naming where it was set: the bad values first, then the missing ones", async () => {
    const result = await run(
      ["plan", plan, "--instance", demoInstance, "--region", "BAD", "--json"],
      cleanEnv({ HUAWEICLOUD_SDK_DDS_LANGUAGE: "fr" })
    )
    const problems = [
      '--region: The region "BAD" is not a region id: use lower-case letters, digits and "-", for example cn-north-4.',
      'HUAWEICLOUD_SDK_DDS_LANGUAGE: The language "fr" is not supported: use en-us or zh-cn, or leave it unset.',
      "Neither --project-id nor HUAWEICLOUD_SDK_PROJECT_ID is set: set one of them."
    ]
    expect([result.code, document(result.stdout)]).toStrictEqual([
      1,
      { error: { tag: "TargetError", message: `${configured} ${problems.join(" ")}`, exit_code: 1, problems } }
    ])
  }, 60_000)

  it("a plan on standard input over 16 MiB is refused with the size error", async () => {
    const input = `{"restore_collections":[${" ".repeat(16 * 1024 * 1024)}]}`
    const result = await run(["validate", "-"], undefined, input)
    const jsonResult = await run(["validate", "--json", "-"], undefined, input)
    const detail = "standard input holds more than the 16777216 bytes a plan file may hold"
    const message = `The plan file - could not be read: ${detail}. Check the path (relative to the current directory).`
    expect([result.code, result.stdout, result.stderr]).toStrictEqual([1, "", `error: ${message}\n`])
    expect(jsonResult.code).toBe(1)
    expect(document(jsonResult.stdout)).toStrictEqual({ error: { tag: "PlanFileError", message, exit_code: 1, file: "-", detail } })
  }, 60_000)
})
