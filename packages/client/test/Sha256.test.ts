// The plan hash a submission journals: SHA-256 computed synchronously in the client (no wait on real
// time under the instance's lease), checked against the FIPS 180-4 examples and Node's own digest
// on texts of every padding case (around the 55/56/64-byte block edges) and in any Unicode.
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { sha256Hex } from "../src/internal/sha256.js"

const node = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")

describe("sha256Hex", () => {
  it("gives the FIPS 180-4 example digests", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  })

  it("hashes texts at every block edge as Node does", () => {
    const lengths = [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]
    expect(lengths.map((n) => sha256Hex("x".repeat(n)))).toStrictEqual(lengths.map((n) => node("x".repeat(n))))
  })

  it.prop("hashes any text's UTF-8 bytes as Node does", [fc.string({ unit: "binary", maxLength: 300 })], ([text]) => {
    expect(sha256Hex(text)).toBe(node(text))
  }, { fastCheck: { numRuns: 300 } })
})
