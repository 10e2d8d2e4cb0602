import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import { ServiceTime, Wire } from "@dds-restore/domain"

// 2026-11-30T14:24:53Z
const INSTANT = Date.UTC(2026, 10, 30, 14, 24, 53)

describe("ServiceTime: the task list's instants", () => {
  it("writes an instant as the official SDKs send it, with a +0000 offset and no milliseconds", () => {
    expect(ServiceTime.formatTaskTime(INSTANT)).toBe("2026-11-30T14:24:53+0000")
    expect(ServiceTime.formatTaskTime(INSTANT + 999)).toBe("2026-11-30T14:24:53+0000")
    expect(ServiceTime.formatTaskTime(0)).toBe("1970-01-01T00:00:00+0000")
  })

  it.each([
    ["2026-11-30T14:24:53+0000", INSTANT],
    ["2026-11-30T14:24:53Z", INSTANT],
    ["2026-11-30T22:24:53+0800", INSTANT],
    ["2026-11-30T09:24:53-0500", INSTANT],
    ["2026-12-01T01:54:53+1130", INSTANT],
    ["2026-11-30T14:24:53-0000", INSTANT]
  ])("reads %s as the instant it names, whatever its zone", (text, instant) => {
    expect(ServiceTime.parseTaskTime(text)).toStrictEqual(Either.right(instant))
  })

  it("compares instants, not strings: the same instant in two zones reads the same", () => {
    const utc = ServiceTime.parseTaskTime("2026-11-30T23:30:00+0000")
    const beijing = ServiceTime.parseTaskTime("2026-12-01T07:30:00+0800")
    expect(utc).toStrictEqual(beijing)
    expect("2026-11-30T23:30:00+0000" < "2026-12-01T07:30:00+0800").toBe(true)
  })

  it.each([
    [
      "2026-11-30T22:24:53+08:00",
      `"2026-11-30T22:24:53+08:00" writes its zone offset with a colon: write +0800 as the service does`
    ],
    ["2026-11-30T14:24:53", `"2026-11-30T14:24:53" is not a task-list time: expected yyyy-mm-ddThh:mm:ss and a zone offset, e.g. 2026-11-30T14:24:53+0000`],
    ["2026-11-30T14:24:53.000Z", `"2026-11-30T14:24:53.000Z" is not a task-list time: expected yyyy-mm-ddThh:mm:ss and a zone offset, e.g. 2026-11-30T14:24:53+0000`],
    ["2026-11-30 14:24:53+0000", `"2026-11-30 14:24:53+0000" is not a task-list time: expected yyyy-mm-ddThh:mm:ss and a zone offset, e.g. 2026-11-30T14:24:53+0000`],
    ["1764512693000", `"1764512693000" is not a task-list time: expected yyyy-mm-ddThh:mm:ss and a zone offset, e.g. 2026-11-30T14:24:53+0000`],
    ["2026-02-30T14:24:53+0000", `"2026-02-30T14:24:53+0000" is not a valid date and time`],
    ["2026-11-30T24:00:00+0000", `"2026-11-30T24:00:00+0000" is not a valid date and time`],
    ["2026-11-30T14:24:53+2400", `"2026-11-30T14:24:53+2400" has an invalid zone offset +2400`],
    ["2026-11-30T14:24:53+0060", `"2026-11-30T14:24:53+0060" has an invalid zone offset +0060`]
  ])("refuses %s, saying why", (text, reason) => {
    expect(ServiceTime.parseTaskTime(text)).toStrictEqual(Either.left(reason))
  })

  it.prop(
    "parse(format(t)) is t to the second, for every instant of years 1970 to 9999",
    [fc.integer({ min: 0, max: 253_402_300_799_999 })],
    ([t]) => {
      expect(ServiceTime.parseTaskTime(ServiceTime.formatTaskTime(t))).toStrictEqual(Either.right(t - (t % 1000)))
    }
  )

  it.prop("no string crashes the parser", [fc.string()], ([text]) => {
    expect(Either.isEither(ServiceTime.parseTaskTime(text))).toBe(true)
  })

  it("the task list's facts: the restore task's name and its 30-day span", () => {
    expect(Wire.RESTORE_TASK_NAME).toBe("MongodbRestoreTable")
    expect(Wire.MAX_TASK_SPAN_MILLIS).toBe(30 * ServiceTime.DAY_MILLIS)
    expect(ServiceTime.DAY_MILLIS).toBe(86_400_000)
  })
})

describe("ServiceTime: the restore-time call's UTC days", () => {
  it("names the UTC day of an instant", () => {
    expect(ServiceTime.formatUtcDay(INSTANT)).toBe("2026-11-30")
    expect(ServiceTime.formatUtcDay(Date.UTC(2026, 10, 30, 23, 59, 59, 999))).toBe("2026-11-30")
    expect(ServiceTime.formatUtcDay(Date.UTC(2026, 11, 1))).toBe("2026-12-01")
  })

  it("reads a day as the instant it starts, and refuses a day that does not exist", () => {
    expect(ServiceTime.parseUtcDay("2026-11-30")).toStrictEqual(Either.right(Date.UTC(2026, 10, 30)))
    expect(ServiceTime.parseUtcDay("2024-02-29")).toStrictEqual(Either.right(Date.UTC(2024, 1, 29)))
    for (const text of ["2026-02-29", "2021-02-30", "2026-13-01", "2026-11-31", "26-11-30", "24.11.2026", "2026-11-30T00:00:00Z", ""]) {
      expect(ServiceTime.parseUtcDay(text)).toStrictEqual(
        Either.left(`"${text}" is not a calendar day: give a UTC day as yyyy-mm-dd, for example 2020-12-12`)
      )
    }
  })

  it.prop("parseUtcDay(formatUtcDay(t)) is the start of t's day", [fc.integer({ min: 0, max: 253_402_300_799_999 })], ([t]) => {
    expect(ServiceTime.parseUtcDay(ServiceTime.formatUtcDay(t))).toStrictEqual(
      Either.right(t - (t % ServiceTime.DAY_MILLIS))
    )
  })
})
