// The query goes out with the encoding the AK/SK signature uses for the canonical query; the
// transport keeps its own copy (it must not depend on a signer), so both are checked to agree.
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { encodeQuery, percentEncode } from "../src/internal/percentEncoding.js"

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

  it.prop("gives the same text as the AK/SK signer's encoder", [text], ([value]) => {
    expect(percentEncode(value)).toBe(AkSkSigner.percentEncode(value))
  }, { fastCheck: { numRuns: 500 } })

  it.prop("serialises a query as the AK/SK signer does", [pairs], ([query]) => {
    expect(encodeQuery(query)).toBe(AkSkSigner.encodeQuery(query))
  }, { fastCheck: { numRuns: 300 } })
})
