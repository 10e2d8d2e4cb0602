// A small stand-in for the DDS API behind its gateway, on 127.0.0.1: it checks every AK/SK
// signature with `AkSkSigner.verify` as the gateway does, refuses a bad one with 401 APIGW.0301,
// and answers each call with the reference's example body, unless the test scripts another answer.
import type { DdsRequest } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { readFileSync } from "node:fs"
import * as LoopbackServer from "./LoopbackServer.js"

/** The text of an example body of the service, from the one copy in docs/service/. */
export const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../docs/service/${name}`, import.meta.url), "utf8")

/** An answer, or no answer at all. */
export type Reply = { readonly status: number; readonly body: string } | "hang"

/**
 * Picks the answer to the `index`-th signed request (counting from 0); `undefined` gives the
 * example body of the call.
 */
export type Script = (request: DdsRequest.Fields, index: number) => Reply | undefined

export interface Options {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  readonly script?: Script
  /** The gateway's clock in epoch ms; the real clock by default. */
  readonly now?: () => number
}

export interface FakeGateway {
  readonly endpoint: string
  /** Every request that arrived, as it arrived. */
  readonly received: ReadonlyArray<LoopbackServer.Received>
  /** The requests whose signature held, as the gateway read them. */
  readonly verified: ReadonlyArray<DdsRequest.Fields>
}

const decode = (text: string): string => decodeURIComponent(text)

/** The request as the gateway reads it from the wire: raw path, decoded query pairs in order. */
export const fields = (received: LoopbackServer.Received): DdsRequest.Fields => {
  const at = received.target.indexOf("?")
  const path = at < 0 ? received.target : received.target.slice(0, at)
  const rawQuery = at < 0 ? "" : received.target.slice(at + 1)
  const query = rawQuery === ""
    ? []
    : rawQuery.split("&").map((pair): readonly [string, string] => {
      const eq = pair.indexOf("=")
      return eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))]
    })
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(received.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return {
    method: received.method as DdsRequest.Method,
    url: `http://${headers["host"] ?? ""}${path}`,
    query,
    headers,
    body: received.body
  }
}

const routes: ReadonlyArray<readonly [string, RegExp, string]> = [
  ["POST", /^\/v3\/[^/]+\/instances\/[^/]+\/restore\/collections$/, "restore-collections.response.json"],
  ["GET", /^\/v3\/[^/]+\/jobs$/, "job.response.json"],
  ["GET", /^\/v3\/[^/]+\/instances\/[^/]+\/restore-time$/, "restore-time.response.json"],
  ["GET", /^\/v3\/[^/]+\/instances\/[^/]+\/restore-database$/, "restore-database.response.json"],
  ["GET", /^\/v3\/[^/]+\/instances\/[^/]+\/restore-collection$/, "restore-collection.response.json"],
  ["GET", /^\/v3\/[^/]+\/instances$/, "instances.response.json"],
  ["GET", /^\/v3\/[^/]+\/instances\/[^/]+\/backups\/policy$/, "backup-policy.response.json"],
  ["GET", /^\/v3\.1\/[^/]+\/jobs$/, "tasks-v3.1.response.json"]
]

const exampleAnswer = (request: DdsRequest.Fields): Reply => {
  const path = new URL(request.url).pathname
  const route = routes.find(([method, pattern]) => method === request.method && pattern.test(path))
  return route === undefined ? { status: 404, body: fixture("error.response.json") } : { status: 200, body: fixture(route[2]) }
}

export const start = (options: Options): Effect.Effect<FakeGateway, never, Scope.Scope> => {
  const verified: Array<DdsRequest.Fields> = []
  let answered = 0
  const lookup = (ak: string) => (ak === options.accessKeyId ? options.secretAccessKey : undefined)
  return Effect.map(
    LoopbackServer.start((received, res) => {
      const request = fields(received)
      const verification = AkSkSigner.verify(request, lookup, (options.now ?? Date.now)())
      const requestId = `req-${++answered}`
      const answer = (reply: Reply) => {
        if (reply === "hang") return
        res.writeHead(reply.status, { "content-type": "application/json", "x-request-id": requestId })
        res.end(reply.body)
      }
      if (verification._tag === "Invalid") {
        return answer({
          status: 401,
          body: JSON.stringify({
            error_code: "APIGW.0301",
            error_msg: `Incorrect IAM authentication information: ${verification.detail}`,
            request_id: requestId
          })
        })
      }
      const index = verified.push(request) - 1
      answer(options.script?.(request, index) ?? exampleAnswer(request))
    }),
    (server): FakeGateway => ({ endpoint: server.origin, received: server.received, verified })
  )
}
