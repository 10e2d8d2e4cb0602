import { describe, expect, it } from "@effect/vitest"
import { DemoFixture, Seed } from "@dds-restore/testing"
import * as Timeline from "../src/Timeline.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR
const day = Date.parse("2026-11-24T00:00:00Z")

describe("the 24-hour timeline of a day's windows", () => {
  it("a whole day is one filled bar; the service's 23:59:59 end still fills the last column", () => {
    expect(Timeline.bar(day, [{ start: day, end: day + DAY - 1000 }])).toBe("█".repeat(48))
  })

  it("a day without windows is all empty", () => {
    expect(Timeline.bar(day, [])).toBe("·".repeat(48))
  })

  it("the demo fixture's 06:00-06:25 gap shades the 06:00 column, two days before now", () => {
    const now = day + 2 * DAY + 15 * HOUR
    const windows = Seed.windowsAt(DemoFixture.windows(now), now).filter((w) => w.start >= day && w.end < day + DAY)
    expect(Timeline.bar(day, windows)).toBe("█".repeat(12) + "▒" + "█".repeat(35))
  })

  it("today's windows end 5 minutes before now: the rest of the day is empty", () => {
    const now = day + 9 * HOUR + 40 * 60_000
    const windows = Seed.windowsAt(DemoFixture.windows(now), now).filter((w) => w.start >= day)
    // 09:35 ends the last window: 19 full columns, the 09:30 column partly, then nothing.
    expect(Timeline.bar(day, windows)).toBe("█".repeat(19) + "▒" + "·".repeat(28))
  })

  it("the ruler marks 00, 06, 12, 18 and 24 under the column where each hour starts", () => {
    expect(Timeline.ruler()).toStrictEqual([
      "|           |           |           |           |",
      "00          06          12          18          24"
    ])
  })


  it("a window's length reads in hours, minutes and seconds", () => {
    expect(Timeline.formatSpan(6 * HOUR - 1000)).toBe("5h 59m 59s")
    expect(Timeline.formatSpan(150_000)).toBe("2m 30s")
    expect(Timeline.formatSpan(999)).toBe("999ms")
  })
})
