// A request is shown in logs and errors by whoever holds it: its secrets never show, however it is
// passed along and changed.
import { describe, expect, it } from "@effect/vitest"
import * as util from "node:util"
import { DdsRequest } from "../src/index.js"

const password = "Passw0rd-canary-51c2"
const token = "token-canary-7a9e"

const shown = (request: DdsRequest.DdsRequest): string =>
  [JSON.stringify(request), util.inspect(request, { depth: 10 }), String(request)].join("\n")

describe("DdsRequest", () => {
  it("percent-encodes every byte but the unreserved ones, with upper-case hex", () => {
    expect(DdsRequest.percentEncode("AZaz09-_.~")).toBe("AZaz09-_.~")
    expect(DdsRequest.percentEncode("a b+c/d?e=f&g!'()*é😀%")).toBe("a%20b%2Bc%2Fd%3Fe%3Df%26g%21%27%28%29%2A%C3%A9%F0%9F%98%80%25")
  })

  it("serialises the query for the wire in the given order with the signature's encoding", () => {
    expect(DdsRequest.encodeQuery([["z", "1"], ["a b", ""], ["a b", "x*y"]])).toBe("z=1&a%20b=&a%20b=x%2Ay")
    expect(DdsRequest.encodeQuery([])).toBe("")
  })

  it("sensitive header values are redacted in JSON, inspect and String output", () => {
    const request = DdsRequest.make({
      method: "GET",
      url: "https://dds.example.test/v3/p/jobs",
      headers: { "X-Auth-Token": token, "X-Project-Id": "p" }
    })
    expect(request.headers).toEqual({ "x-auth-token": token, "x-project-id": "p" })
    expect(shown(request)).not.toContain(token)
    expect(shown(request)).toContain("x-project-id")
  })

  it("a sensitive body stays redacted through modify and setHeaders, as a transport wrapper would use them", () => {
    const request = DdsRequest.make({
      method: "POST",
      url: "https://iam.example.test/v3/auth/tokens",
      body: JSON.stringify({ password }),
      sensitiveBody: true
    })
    const wrapped = DdsRequest.modify(DdsRequest.setHeaders(request, { "x-trace": "1" }), { url: "https://iam2.example.test/v3/auth/tokens" })
    expect(wrapped.body).toBe(JSON.stringify({ password }))
    expect(wrapped.sensitiveBody).toBe(true)
    expect(shown(request)).not.toContain(password)
    expect(shown(wrapped)).not.toContain(password)
    expect(shown(wrapped)).toContain("<redacted>")
  })

  it("an ordinary body is shown as sent", () => {
    const request = DdsRequest.make({ method: "POST", url: "https://dds.example.test/v3/p/x", body: `{"a":1}` })
    expect(request.sensitiveBody).toBe(false)
    expect(JSON.parse(JSON.stringify(request)).body).toBe(`{"a":1}`)
  })
})
