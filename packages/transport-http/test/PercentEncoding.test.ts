// The query goes out with the encoding the AK/SK signature uses for the canonical query: both take
// it from the client's DdsRequest.
import { DdsRequest } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"

const { encodeQuery, percentEncode } = DdsRequest

const text = fc.oneof(fc.string({ unit: "binary-ascii" }), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }))
const pairs = fc.array(fc.tuple(text, text), { maxLength: 6 })

describe("the query encoding", () => {
  it("keeps the unreserved characters and encodes every other UTF-8 byte in upper-case hex", () => {
    expect(percentEncode("AZaz09-_.~")).toBe("AZaz09-_.~")
    expect(percentEncode(" !\"#$%&'()*+,/:;=?@[]")).toBe("%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D")
    expect(percentEncode("ü€😀")).toBe("%C3%BC%E2%82%AC%F0%9F%98%80")
    expect(percentEncode("\u0000\u007f")).toBe("%00%7F")
  })

  it("keeps the pairs' order, repeated keys and empty values", () => {
    expect(encodeQuery([["b", "2"], ["a", ""], ["b", "1 1"]])).toBe("b=2&a=&b=1%201")
    expect(encodeQuery([])).toBe("")
  })

  it.prop("decodes back to the text and holds only unreserved characters and escapes", [text], ([value]) => {
    const encoded = percentEncode(value)
    expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/)
    expect(decodeURIComponent(encoded)).toBe(value)
  })

  it("is the very encoder the AK/SK signer signs with: its canonical query is the sorted pairs, sent", () => {
    const query = [["b", "ü 1"], ["a", "*"], ["a", ""]] as const
    expect(AkSkSigner.canonicalQueryString(query)).toBe(encodeQuery([["a", ""], ["a", "*"], ["b", "ü 1"]]))
    expect(AkSkSigner.canonicalQueryString(query)).toBe("a=&a=%2A&b=%C3%BC%201")
  })

  it.prop("a query sent is what the signer's canonical query encodes, pair by pair", [pairs], ([query]) => {
    const sent = encodeQuery(query).split("&").filter((part) => part !== "").sort()
    const signed = AkSkSigner.canonicalQueryString(query).split("&").filter((part) => part !== "").sort()
    expect(sent).toEqual(signed)
  }, { fastCheck: { numRuns: 300 } })
})
