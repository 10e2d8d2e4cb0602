// A node:http server on a scope: each request is read (body capped), turned into a `DdsRequest`,
// handled by an Effect on the scope's runtime, and answered; or its connection is cut when the
// handler says the answer is lost. Unreadable input is answered 4xx here, never passed on.
import type { DdsRequest, DdsResponse } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type * as Net from "node:net"
import { maxBodyBytes, maxDrainBytes, type Refusal, toDdsRequest } from "./incoming.js"

/** What to do with a handled request: answer it, or cut the connection as if the answer were lost. */
export type Outcome =
  | { readonly _tag: "Respond"; readonly response: DdsResponse.DdsResponse }
  | { readonly _tag: "Drop" }

/** Where the server listens once it is up. */
export interface Address {
  readonly host: string
  readonly port: number
  /** `http://host:port`, with an IPv6 host in brackets. */
  readonly origin: string
}

/** A fresh request id in the service's shape (32 hex digits). */
export const requestId = (): string => randomUUID().replace(/-/g, "")

// The JSON error body of the service: `{error_code, error_msg}`.
const errorBody = (code: string, message: string): string => JSON.stringify({ error_code: code, error_msg: message })

// Set by the server from the body it writes; a handler's values for these would desynchronise the framing.
const framingHeaders = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"])

const write = (res: Http.ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void => {
  if (res.headersSent || res.destroyed) return
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!framingHeaders.has(name)) out[name] = value
  }
  out["content-length"] = String(Buffer.byteLength(body))
  try {
    res.writeHead(status, out)
    res.end(body)
  } catch {
    // A header value node refuses to put on the wire: the answer cannot be written as given.
    res.destroy()
  }
}

const writeRefusal = (res: Http.ServerResponse, refusal: Refusal, close: boolean): void => {
  if (close) res.shouldKeepAlive = false
  write(res, refusal.status, { "content-type": "application/json", "x-request-id": requestId() }, errorBody(refusal.code, refusal.message))
}

const tooLarge: Refusal = {
  status: 413,
  code: "DBS.200001",
  message: `The body is larger than ${maxBodyBytes} bytes.`
}

// Answers input node's parser refused (a malformed request line, an unknown method, headers too
// large) with the service's error body instead of node's bare status line.
const onClientError = (error: Error & { readonly code?: string }, socket: Net.Socket): void => {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy()
    return
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400
  const body = errorBody("DBS.200001", `The request could not be read (${error.code ?? "malformed"}).`)
  socket.end(
    `HTTP/1.1 ${status} ${Http.STATUS_CODES[status] ?? "Bad Request"}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId()}\r\nconnection: close\r\n\r\n${body}`
  )
}

// CONNECT (a proxy's tunnel) is not a method of the API: node hands it to a "connect" listener
// or, without one, drops the connection unanswered. Answered 405 like any other method.
const onConnect = (req: Http.IncomingMessage, socket: Net.Socket): void => {
  socket.on("error", () => socket.destroy())
  const body = errorBody("DBS.200001", "The method CONNECT is not supported.")
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId()}\r\nconnection: close\r\n\r\n${body}`
  )
  req.destroy()
}

const formatOrigin = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`

/** Could not listen on the address asked for (in use, not an address of this machine). */
export class ListenFailure {
  readonly _tag = "ListenFailure"
  constructor(readonly detail: string) {}
}

/**
 * Starts the server; it stops accepting, cuts open connections and interrupts the handlers still
 * running when the scope closes.
 */
export const serve = (options: {
  readonly host: string
  readonly port: number
  readonly handle: (request: DdsRequest.DdsRequest) => Effect.Effect<Outcome>
}): Effect.Effect<Address, ListenFailure, Scope.Scope> =>
  Effect.gen(function*() {
    const runFork = yield* FiberSet.makeRuntime<never, Outcome, never>()
    let origin = ""

    const dispatch = (req: Http.IncomingMessage, res: Http.ServerResponse, body: Buffer): void => {
      const incoming = toDdsRequest(req, body, origin)
      if (incoming._tag === "Refused") {
        writeRefusal(res, incoming.refusal, false)
        return
      }
      runFork(options.handle(incoming.request)).addObserver((exit) => {
        if (Exit.isSuccess(exit)) {
          const outcome = exit.value
          if (outcome._tag === "Respond") write(res, outcome.response.status, outcome.response.headers, outcome.response.body)
          else req.socket.destroy()
        } else if (Exit.isInterrupted(exit)) {
          req.socket.destroy()
        } else {
          writeRefusal(res, { status: 500, code: "DBS.200000", message: "The emulator failed to handle the request." }, true)
        }
      })
    }

    const onRequest = (req: Http.IncomingMessage, res: Http.ServerResponse): void => {
      const declared = Number(req.headers["content-length"] ?? "0")
      if (declared > maxDrainBytes) {
        writeRefusal(res, tooLarge, true)
        res.once("finish", () => req.destroy())
        return
      }
      const chunks: Array<Buffer> = []
      let size = 0
      let done = false
      req.on("data", (chunk: Buffer) => {
        if (done) return
        size += chunk.length
        if (size <= maxBodyBytes) {
          chunks.push(chunk)
        } else if (size > maxDrainBytes) {
          // Too much to drain politely: answer, then cut the connection.
          done = true
          writeRefusal(res, tooLarge, true)
          res.once("finish", () => req.destroy())
        }
      })
      req.on("end", () => {
        if (done) return
        done = true
        if (size > maxBodyBytes) writeRefusal(res, tooLarge, true)
        else dispatch(req, res, Buffer.concat(chunks, size))
      })
      // The peer went away mid-body: nobody is left to answer.
      req.on("error", () => {
        done = true
      })
    }

    const server = Http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000 })
    // Node keeps the first 2000 headers and drops the rest; 200 is plenty for any client and keeps a
    // header flood cheap (what is dropped cannot have been signed, so the signature check refuses it).
    server.maxHeadersCount = 200
    server.on("request", onRequest)
    server.on("clientError", onClientError)
    server.on("connect", onConnect)

    const address = yield* Effect.acquireRelease(
      Effect.async<Address, ListenFailure>((resume) => {
        const onError = (error: Error) => resume(Effect.fail(new ListenFailure(error.message)))
        server.once("error", onError)
        server.listen(options.port, options.host, () => {
          server.off("error", onError)
          // After listening, a server error (none is expected) must not crash the process.
          server.on("error", () => undefined)
          const info = server.address() as Net.AddressInfo
          resume(Effect.succeed({ host: options.host, port: info.port, origin: formatOrigin(options.host, info.port) }))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    origin = address.origin
    return address
  })
