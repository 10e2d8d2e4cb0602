import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { CollectionName, DatabaseName } from "@dds-restore/domain"

describe("DatabaseName", () => {
  it.each(["shop", "analytics", "Shop-2024_eu", "a".repeat(63), "données", "名".repeat(21), "é".repeat(31) + "a", "😀".repeat(15) + "abc"])("%s is a valid database name", (name) => {
    expect(DatabaseName.parse(name)).toStrictEqual(Either.right(name))
    expect(Schema.decodeUnknownSync(DatabaseName.DatabaseName)(name)).toBe(name)
  })

  it.each([
    ["", "a database name cannot be empty"],
    ["a".repeat(64), `database name "${"a".repeat(64)}" is too long: 64 bytes; at most 63 (MongoDB counts UTF-8 bytes)`],
    ["名".repeat(63), `database name "${"名".repeat(63)}" is too long: 189 bytes; at most 63 (MongoDB counts UTF-8 bytes)`],
    ["é".repeat(32), `database name "${"é".repeat(32)}" is too long: 64 bytes; at most 63 (MongoDB counts UTF-8 bytes)`],
    ["shop\ud800", `database name "shop\\ud800" contains a lone surrogate (half of a UTF-16 pair), which is not text: fix the name's encoding`],
    ["\udc00shop", `database name "\\udc00shop" contains a lone surrogate (half of a UTF-16 pair), which is not text: fix the name's encoding`],
    ["admin", `"admin" is reserved by MongoDB (admin, local, config): restore another database`],
    ["local", `"local" is reserved by MongoDB (admin, local, config): restore another database`],
    ["config", `"config" is reserved by MongoDB (admin, local, config): restore another database`],
    ["my shop", `database name "my shop" contains a space, which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`],
    ["nul\u0000", `database name "nul\\u0000" contains a NUL character, which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`]
  ])("%j is refused: %s", (name, message) => {
    expect(DatabaseName.parse(name)).toStrictEqual(Either.left(message))
  })

  it.each(["/", "\\", ".", "\"", "$", "*", "<", ">", ":", "|", "?"])("a database name containing %s is refused, naming the character", (c) => {
    expect(DatabaseName.parse(`shop${c}eu`)).toStrictEqual(
      Either.left(
        `database name ${JSON.stringify(`shop${c}eu`)} contains "${c}", which a database name cannot contain (/ \\ . " $ * < > : | ? space NUL)`
      )
    )
  })

  it("make throws with what is wrong", () => {
    expect(() => DatabaseName.make("admin")).toThrow(`"admin" is reserved by MongoDB`)
    expect(DatabaseName.make("shop")).toBe("shop")
  })

  it("a name that is not a string is refused with what it is", () => {
    const result = Schema.decodeUnknownEither(DatabaseName.DatabaseName)(5)
    expect(Either.isLeft(result) && ParseResult.ArrayFormatter.formatErrorSync(result.left)).toStrictEqual([{ _tag: "Type", path: [], message: "a database name is a string, got 5" }])
  })
})

describe("CollectionName", () => {
  it.each(["orders", "orders.2024", "system", "a system.x", "Ünïcödé 名前"])("%s is a valid collection name", (name) => {
    expect(CollectionName.parse(name)).toStrictEqual(Either.right(name))
  })

  it.each([
    ["", "a collection name cannot be empty"],
    ["price$", `collection name "price$" contains "$", which a collection name cannot contain`],
    ["a\u0000b", `collection name "a\\u0000b" contains a NUL character, which a collection name cannot contain`],
    ["system.users", `collection name "system.users" starts with "system.", which MongoDB reserves for its own collections`],
    ["orders\udbff", `collection name "orders\\udbff" contains a lone surrogate (half of a UTF-16 pair), which is not text: fix the name's encoding`],
    ["\ude00", `collection name "\\ude00" contains a lone surrogate (half of a UTF-16 pair), which is not text: fix the name's encoding`]
  ])("%j is refused: %s", (name, message) => {
    expect(CollectionName.parse(name)).toStrictEqual(Either.left(message))
  })

  it("make throws with what is wrong", () => {
    expect(() => CollectionName.make("system.profile")).toThrow(`starts with "system."`)
  })
})
