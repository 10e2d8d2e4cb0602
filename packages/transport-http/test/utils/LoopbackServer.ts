// A real HTTP server on 127.0.0.1 for the tests: it records every request exactly as it arrived
// (raw path and query, headers, body) and answers with the handler the test gives.
import * as http from "node:http"
import type * as net from "node:net"
import type * as Scope from "effect/Scope"
import * as Effect from "effect/Effect"

export interface Received {
  readonly method: string
  /** The request target exactly as it arrived: path and query, not decoded. */
  readonly target: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

export interface LoopbackServer {
  readonly port: number
  readonly origin: string
  /** Every request that arrived completely, in order. */
  readonly received: ReadonlyArray<Received>
  /** Every connection the server accepted. */
  readonly sockets: ReadonlyArray<net.Socket>
}

export type Handler = (request: Received, response: http.ServerResponse, raw: http.IncomingMessage) => void

export const start = (handler: Handler): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: http.Server; readonly state: LoopbackServer }>((resume) => {
      const received: Array<Received> = []
      const sockets: Array<net.Socket> = []
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const request: Received = {
            method: req.method ?? "",
            target: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          received.push(request)
          handler(request, res, req)
        })
      })
      server.on("connection", (socket) => sockets.push(socket))
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ server, state: { port, origin: `http://127.0.0.1:${port}`, received, sockets } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ state }) => state))

/** A port on 127.0.0.1 where nothing listens: a server is started there and stopped. */
export const closedPort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})
