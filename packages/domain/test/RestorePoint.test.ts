import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { RestorePoint } from "@dds-restore/domain"

describe("RestorePoint.parse accepts the forms a person writes", () => {
  it.each([
    [1607762955000, 1607762955000],
    [0, 0],
    [-0, 0],
    ["1607762955000", 1607762955000],
    ["0001607762955000", 1607762955000],
    ["2020-12-12T08:49:15Z", 1607762955000],
    ["2020-12-12T08:49:15.000Z", 1607762955000],
    ["2020-12-12T08:49:15.5Z", 1607762955500],
    ["2020-12-12T16:49:15+08:00", 1607762955000],
    ["2020-12-12T03:49:15-05:00", 1607762955000],
    ["2020-12-12T08:49Z", 1607762940000],
    [new Date(1607762955000), 1607762955000],
    [RestorePoint.MAX_MILLIS, 253402300799999]
  ] as const)("%j is %d", (input, millis) => {
    const result = RestorePoint.parse(input)
    expect(result).toStrictEqual(Either.right(millis))
    expect(Object.is(Either.getOrThrow(result), millis)).toBe(true)
  })
})

describe("RestorePoint.parse refuses what is not a restore point, saying why", () => {
  it.each([
    [-1, "a restore point cannot be before 1970-01-01T00:00:00Z, got -1"],
    [1.5, "a restore point is a whole number of UNIX epoch milliseconds, got 1.5"],
    [Number.NaN, "a restore point must be a number of milliseconds, not NaN"],
    [Number.POSITIVE_INFINITY, "a restore point is a whole number of UNIX epoch milliseconds, got Infinity"],
    [
      253402300800000,
      "a restore point cannot be after 9999-12-31T23:59:59.999Z (253402300799999 ms), got 253402300800000: was it given in microseconds?"
    ],
    [
      "1607762955000000",
      "a restore point cannot be after 9999-12-31T23:59:59.999Z (253402300799999 ms), got 1607762955000000: was it given in microseconds?"
    ],
    ["2020-12-12T08:49:15", `"2020-12-12T08:49:15" has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +08:00`],
    ["2020-12-12", `"2020-12-12" has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +08:00`],
    ["2021-02-30T00:00:00Z", `"2021-02-30T00:00:00Z" is not a valid date and time`],
    ["2021-01-01T24:00:00Z", `"2021-01-01T24:00:00Z" is not a valid date and time`],
    ["2021-01-01T00:00:00+24:00", `"2021-01-01T00:00:00+24:00" has an invalid zone offset +24:00`],
    [
      "yesterday",
      `"yesterday" is not a time: give UNIX epoch milliseconds (a number or a string of digits) or ISO-8601 with a zone, e.g. 2026-11-25T12:00:00Z`
    ],
    [
      "1607762955000.5",
      `"1607762955000.5" is not a time: give UNIX epoch milliseconds (a number or a string of digits) or ISO-8601 with a zone, e.g. 2026-11-25T12:00:00Z`
    ],
    [
      "",
      `"" is not a time: give UNIX epoch milliseconds (a number or a string of digits) or ISO-8601 with a zone, e.g. 2026-11-25T12:00:00Z`
    ],
    [new Date(Number.NaN), "a restore point must be a number of milliseconds, not NaN"]
  ] as const)("%j", (input, message) => {
    expect(RestorePoint.parse(input)).toStrictEqual(Either.left(message))
  })
})

describe("RestorePoint schemas", () => {
  it("FromWire reads digits and numbers and writes digits", () => {
    const decode = Schema.decodeUnknownSync(RestorePoint.FromWire)
    expect(decode("1607762955000")).toBe(1607762955000)
    expect(decode(1607762955000)).toBe(1607762955000)
    expect(Schema.encodeSync(RestorePoint.FromWire)(RestorePoint.make(1607762955000))).toBe("1607762955000")
  })

  it("FromWire refuses ISO-8601, which the service does not read", () => {
    const result = Schema.decodeUnknownEither(RestorePoint.FromWire)("2020-12-12T08:49:15Z")
    expect(Either.isLeft(result) && ParseResult.ArrayFormatter.formatErrorSync(result.left)).toStrictEqual([{ _tag: "Transformation", path: [], message: `"2020-12-12T08:49:15Z" is not a string of UNIX epoch milliseconds (digits only)` }])
  })

  it("FromInput reads ISO-8601 with a zone and writes digits", () => {
    expect(Schema.decodeUnknownSync(RestorePoint.FromInput)("2020-12-12T08:49:15Z")).toBe(1607762955000)
    expect(Schema.encodeSync(RestorePoint.FromInput)(RestorePoint.make(1607762955000))).toBe("1607762955000")
  })

  it("a value of the wrong type is refused in one line", () => {
    const result = Schema.decodeUnknownEither(RestorePoint.FromInput)(true)
    expect(Either.isLeft(result) && ParseResult.ArrayFormatter.formatErrorSync(result.left)).toStrictEqual([{ _tag: "Composite", path: [], message: "a time is UNIX epoch milliseconds (a number or a string of digits), ISO-8601 with a zone, or a Date, got true" }])
  })

  it("make throws on what parse refuses; toWire and toIso format it", () => {
    expect(() => RestorePoint.make(-1)).toThrow("a restore point cannot be before 1970-01-01T00:00:00Z, got -1")
    const point = RestorePoint.make("2020-12-12T08:49:15Z")
    expect(RestorePoint.toWire(point)).toBe("1607762955000")
    expect(RestorePoint.toIso(point)).toBe("2020-12-12T08:49:15.000Z")
  })
})
