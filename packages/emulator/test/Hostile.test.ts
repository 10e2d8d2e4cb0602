import { DdsRequest, SdkDate } from "@dds-restore/client"
import { Emulator } from "@dds-restore/emulator"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { DemoFixture } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Net from "node:net"

interface Answer {
  /** `undefined` when the connection closed without a status line. */
  readonly status: number | undefined
  readonly headers: string
  readonly body: string
}

// Writes bytes on a fresh connection and reads until the server closes it: nothing between the
// test and the server re-encodes, validates or completes the request.
const raw = (port: number, bytes: Buffer | string): Promise<Answer> =>
  new Promise((resolve) => {
    const socket = Net.connect(port, "127.0.0.1")
    const chunks: Array<Buffer> = []
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    // A server that answers before reading everything may reset the connection under our writes.
    socket.on("error", () => undefined)
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      const split = text.indexOf("\r\n\r\n")
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]
      resolve({
        status: status === undefined ? undefined : Number(status),
        headers: split === -1 ? text : text.slice(0, split),
        body: split === -1 ? "" : text.slice(split + 4)
      })
    })
    socket.write(bytes)
  })

const httpText = (
  method: string,
  target: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer | string = ""
): Buffer => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8")
  const lines = Object.entries({ ...headers, "content-length": String(bytes.length), connection: "close" })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")
  return Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${lines}\r\n`, "latin1"), bytes])
}

const demo = { accessKeyId: DemoFixture.accessKeyId, secretAccessKey: DemoFixture.secretAccessKey }

// A request signed by our signer, put on the wire as a transport would: path as written, query
// with the signer's encoding.
const signedText = (emulator: Emulator.Service, fields: Parameters<typeof DdsRequest.make>[0]): Buffer => {
  const request = AkSkSigner.signRequest(
    DdsRequest.make({ ...fields, url: `${emulator.url}${fields.url}` }),
    demo,
    SdkDate.format(Date.now())
  )
  const query = DdsRequest.encodeQuery(request.query)
  return httpText(
    request.method,
    `${DdsRequest.path(request)}${query === "" ? "" : `?${query}`}`,
    { ...request.headers, host: DdsRequest.host(request) },
    request.body
  )
}

const expectServiceError = (answer: Answer, status: number) => {
  expect(answer.status).toBe(status)
  const body = JSON.parse(answer.body) as { readonly error_code: unknown; readonly error_msg: unknown }
  expect(typeof body.error_code).toBe("string")
  expect(typeof body.error_msg).toBe("string")
}

const expectStillServing = (emulator: Emulator.Service) =>
  Effect.promise(async () => {
    const response = await fetch(`${emulator.url}${Emulator.statePath}`)
    expect(response.status).toBe(200)
  })

const restorePath = (projectId: string, instanceId = DemoFixture.ordersInstanceId) =>
  `/v3/${projectId}/instances/${instanceId}/restore/collections`

// A restore on the demo instance with the given body, signed with the demo's key, sent as it is.
const signedRestore = (emulator: Emulator.Service, body: string, contentType = "application/json") =>
  Effect.promise(() =>
    raw(
      emulator.port,
      signedText(emulator, {
        method: "POST",
        url: restorePath(emulator.projectId),
        headers: { "content-type": contentType, "x-project-id": emulator.projectId },
        body
      })
    )
  )

// Refused as the service refuses a malformed request (400 DBS.200001), and no job made.
const expectInvalidRestore = (emulator: Emulator.Service, answer: Answer) =>
  Effect.gen(function*() {
    expectServiceError(answer, 400)
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: "DBS.200001" })
    expect((yield* emulator.fake.jobs).length).toBe(0)
  })

describe("malformed and hostile input gets a 4xx with the service's error body", () => {
  it.live("malformed JSON in a signed restore: 400 DBS.200001", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const answer = yield* signedRestore(emulator, `{"restore_collections": [`)
      yield* expectInvalidRestore(emulator, answer)
    }).pipe(Effect.scoped))

  it.live("a body over 1 MiB: 413, and one far over it is cut off after the 413", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const path = restorePath(emulator.projectId)
      const big = yield* Effect.promise(() =>
        raw(emulator.port, httpText("POST", path, { host: "127.0.0.1" }, Buffer.alloc(2 * 1024 * 1024, 0x61)))
      )
      expectServiceError(big, 413)
      const huge = yield* Effect.promise(() =>
        raw(emulator.port, httpText("POST", path, { host: "127.0.0.1" }, Buffer.alloc(12 * 1024 * 1024, 0x61)))
      )
      expect(huge.status).toBe(413)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))

  it.live("a body that is not UTF-8: 400", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const answer = yield* Effect.promise(() =>
        raw(
          emulator.port,
          httpText("POST", restorePath(emulator.projectId), { host: "127.0.0.1" }, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))
        )
      )
      expectServiceError(answer, 400)
      expect(JSON.parse(answer.body)).toEqual({ error_code: "DBS.200001", error_msg: "The body is not valid UTF-8." })
    }).pipe(Effect.scoped))

  it.live("bad percent-encoding in the path or the query: 400", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const inPath = yield* Effect.promise(() =>
        raw(emulator.port, httpText("GET", `/v3/${emulator.projectId}/instances/%E0%A4%A/backups/policy`, { host: "h" }))
      )
      expectServiceError(inPath, 400)
      expect(JSON.parse(inPath.body)).toMatchObject({ error_msg: "The path has invalid percent-encoding." })
      const inQuery = yield* Effect.promise(() =>
        raw(emulator.port, httpText("GET", `/v3/${emulator.projectId}/jobs?id=%ZZ`, { host: "h" }))
      )
      expectServiceError(inQuery, 400)
      expect(JSON.parse(inQuery.body)).toMatchObject({ error_msg: "The query string has invalid percent-encoding." })
    }).pipe(Effect.scoped))

  it.live("odd methods: 405 for a known one the API does not use, 400 for one HTTP does not know", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const propfind = yield* Effect.promise(() => raw(emulator.port, httpText("PROPFIND", "/v3/p/jobs", { host: "h" })))
      expectServiceError(propfind, 405)
      const brew = yield* Effect.promise(() => raw(emulator.port, httpText("BREW", "/v3/p/jobs", { host: "h" })))
      expectServiceError(brew, 400)
      const notHttp = yield* Effect.promise(() => raw(emulator.port, "\x00\x01\x02 garbage\r\n\r\n"))
      expectServiceError(notHttp, 400)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))

  it.live("a header flood: 431, and the server keeps serving", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const headers: Record<string, string> = { host: "127.0.0.1" }
      for (let i = 0; i < 5_000; i++) headers[`x-flood-${i}`] = "v"
      const answer = yield* Effect.promise(() => raw(emulator.port, httpText("GET", `/v3/${emulator.projectId}/jobs?id=x`, headers)))
      expectServiceError(answer, 431)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))
})

// Characters that stress decoding: reserved, percent signs, unicode, controls, lone surrogates.
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(..."%/?#&=+;:@$,[]{}\"'<>\\^`| ".split(""), "%2", "%zz", "%FF", "%C3", "é", "中", "😀", "\u0000", "\n"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 })
  ),
  maxLength: 24
})

// What a request line can carry (visible ASCII), with percent signs that may or may not encode.
const printable = fc.string({
  unit: fc.oneof(fc.constantFrom("%", "%2", "%zz", "%FF", "%C3%A9", "%00", "v3", "jobs", "instances"), fc.stringMatching(/^[!-~]$/)),
  maxLength: 24
})

const wellFormed = fc.string({ unit: "grapheme", maxLength: 24 })

describe("generated hostile requests are never answered 5xx", () => {
  it.live("300 raw requests with generated methods, paths, queries, headers and bodies", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const statuses: Array<number | undefined> = []
      const request = fc.record({
        method: fc.oneof(
          { arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"), weight: 4 },
          { arbitrary: fc.stringMatching(/^[A-Z]{1,8}$/), weight: 1 }
        ),
        segments: fc.array(fc.oneof({ arbitrary: printable, weight: 4 }, { arbitrary: nasty, weight: 1 }), { maxLength: 6 }),
        query: fc.array(fc.tuple(printable, fc.oneof(printable, nasty)), { maxLength: 4 }),
        headers: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.stringMatching(/^[\x20-\x7e]{0,40}$/), {
          maxKeys: 6
        }),
        body: fc.oneof(fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)), nasty.map((s) => Buffer.from(s)))
      })
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(request, async (r) => {
            // Characters a request line cannot carry are sent as bytes anyway; only CR/LF would split it.
            const target = `/${r.segments.join("/")}${r.query.length === 0 ? "" : "?" + r.query.map(([k, v]) => `${k}=${v}`).join("&")}`
              .replace(/[\r\n ]/g, "_")
            const { expect: _expect, ...headers } = r.headers
            const answer = await raw(emulator.port, httpText(r.method, target, { ...headers, host: "127.0.0.1" }, r.body))
            statuses.push(answer.status)
            return answer.status !== undefined && answer.status >= 200 && answer.status < 500
          }),
          { numRuns: 300 }
        )
      )
      expect(statuses.length).toBe(300)
      // Some got past the parsers to the gateway's signature check.
      expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))

  it.live("300 validly signed requests with generated ids, parameters and bodies reach the service and get no 5xx", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const projectId = emulator.projectId
      const id = fc.oneof(fc.constant(DemoFixture.ordersInstanceId), wellFormed)
      const param = fc.oneof(wellFormed, fc.integer().map(String), fc.constantFrom("", "-1", "0", "101", "1e309", "NaN"))
      const restoreBody = fc.oneof(
        wellFormed,
        fc.json(),
        fc.record({
          restore_collections: fc.array(
            fc.record(
              {
                database: fc.oneof(fc.constantFrom("shop", "analytics", "admin"), wellFormed),
                restore_database_time: fc.oneof(param, fc.integer()),
                collections: fc.array(
                  fc.record(
                    { old_name: wellFormed, new_name: wellFormed, restore_collection_time: fc.oneof(param, fc.integer()) },
                    { requiredKeys: [] }
                  ),
                  { maxLength: 3 }
                ),
                surprise: fc.jsonValue()
              },
              { requiredKeys: [] }
            ),
            { maxLength: 3 }
          )
        }).map((value) => JSON.stringify(value))
      )
      const call = fc.oneof(
        fc.tuple(id, restoreBody).map(([instance, body]) => ({
          method: "POST" as const,
          url: `/v3/${projectId}/instances/${encodeURIComponent(instance)}/restore/collections`,
          query: [] as Array<readonly [string, string]>,
          body
        })),
        fc.tuple(id, fc.constantFrom("restore-time", "restore-database", "restore-collection", "backups/policy"), fc.array(
          fc.tuple(fc.constantFrom("date", "restore_time", "db_name", "offset", "limit"), param),
          { maxLength: 4 }
        )).map(([instance, what, query]) => ({
          method: "GET" as const,
          url: `/v3/${projectId}/instances/${encodeURIComponent(instance)}/${what}`,
          query,
          body: ""
        })),
        fc.tuple(
          fc.constantFrom(`/v3/${projectId}/instances`, `/v3/${projectId}/jobs`, `/v3.1/${projectId}/jobs`),
          fc.array(
            fc.tuple(fc.constantFrom("id", "name", "status", "start_time", "end_time", "offset", "limit"), param),
            { maxLength: 5 }
          )
        ).map(([url, query]) => ({ method: "GET" as const, url, query, body: "" }))
      )
      const statuses = new Map<number | undefined, number>()
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(call, async (c) => {
            const answer = await raw(
              emulator.port,
              signedText(emulator, {
                ...c,
                headers: { "content-type": "application/json", "x-project-id": projectId }
              })
            )
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
            // A 401 here would mean the gateway refused a valid signature.
            return answer.status !== undefined && answer.status < 500 && answer.status !== 401
          }),
          { numRuns: 300 }
        )
      )
      // The generated calls did reach the service: some were accepted, some refused as parameter errors.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0)
      expect(statuses.get(400) ?? 0).toBeGreaterThan(0)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))
})

describe("the emulator's edges (issue 13)", () => {
  it.live("CONNECT is answered 405 with the gateway's error body, and the server keeps serving", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const answer = yield* Effect.promise(() => raw(emulator.port, `CONNECT 169.254.169.254:80 HTTP/1.1\r\nhost: 169.254.169.254:80\r\n\r\n`))
      expect(answer.status).toBe(405)
      expect(JSON.parse(answer.body)).toEqual({ error_code: "DBS.200001", error_msg: "The method CONNECT is not supported." })
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))

  it.live("the state page, which shows secret keys, is served only to Host 127.0.0.1:PORT, localhost:PORT or [::1]:PORT", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const get = (host: string) => Effect.promise(() => raw(emulator.port, httpText("GET", Emulator.statePath, { host })))
      for (const host of [`127.0.0.1:${emulator.port}`, `localhost:${emulator.port}`, `[::1]:${emulator.port}`]) {
        const answer = yield* get(host)
        expect([host, answer.status]).toStrictEqual([host, 200])
        expect(answer.body).toContain(Redacted.value(DemoFixture.secretAccessKey))
      }
      for (const host of ["attacker.example", `attacker.example:${emulator.port}`, `127.0.0.1:${emulator.port + 1}`, "127.0.0.1", `127.0.0.2:${emulator.port}`]) {
        const answer = yield* get(host)
        expect([host, answer.status]).toStrictEqual([host, 403])
        expect(answer.body).not.toContain(Redacted.value(DemoFixture.secretAccessKey))
        expect(JSON.parse(answer.body)).toEqual({
          error_code: "DBS.200001",
          error_msg: `The state page is served only to Host 127.0.0.1:${emulator.port}, localhost:${emulator.port} or [::1]:${emulator.port}.`
        })
      }
      const none = yield* Effect.promise(() => raw(emulator.port, `GET ${Emulator.statePath} HTTP/1.0\r\n\r\n`))
      expect(none.status).toBe(403)
    }).pipe(Effect.scoped))

  it.live("a signed restore whose body is sent as text/plain is refused 400, and no job starts", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const body = JSON.stringify({ restore_collections: [{ database: "shop", restore_database_time: String(Date.now() - 3_600_000) }] })
      const answer = yield* signedRestore(emulator, body, "text/plain")
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.body)).toMatchObject({
        error_code: "DBS.200001",
        error_msg: `Parameter error: the request body must be sent as application/json, not "text/plain"`
      })
      expect((yield* emulator.fake.jobs).length).toBe(0)
    }).pipe(Effect.scoped))

  it.live.each<readonly [string, string]>([
    ["5,000 nested arrays", "[".repeat(5000) + "]".repeat(5000)],
    ["5,000 nested objects", `{"a":`.repeat(5000) + "1" + "}".repeat(5000)],
    ["a plan with 5,000 nested arrays as a name", `{"restore_collections":[{"database":${"[".repeat(5000)}${"]".repeat(5000)}}]}`]
  ])("a signed restore whose body holds %s is refused 400, not 500", ([_what, body]) =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const answer = yield* signedRestore(emulator, body)
      yield* expectInvalidRestore(emulator, answer)
      yield* expectStillServing(emulator)
    }).pipe(Effect.scoped))
})
