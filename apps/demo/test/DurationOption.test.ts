import { describe, expect, it } from "@effect/vitest"
import { RestoreClient } from "@dds-restore/client"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as DurationOption from "../src/DurationOption.js"
import * as SharedOptions from "../src/SharedOptions.js"

const millis = (text: string): number | undefined => Option.getOrUndefined(Option.map(DurationOption.parse(text), Duration.toMillis))

describe("durations on the command line", () => {
  it("a whole number and a unit, ms, s, m, h or d", () => {
    expect(millis("500ms")).toBe(500)
    expect(millis("30s")).toBe(30_000)
    expect(millis("30m")).toBe(1_800_000)
    expect(millis("2h")).toBe(7_200_000)
    expect(millis("1d")).toBe(86_400_000)
    expect(millis(" 0s ")).toBe(0)
  })

  it("anything else is not a duration", () => {
    for (const text of ["", "30", "s", "1.5h", "-1s", "30 s", "2 hours", "30sec", "1e3ms", "1234567890s"]) {
      expect(millis(text), text).toBeUndefined()
    }
  })

  it("--lease-wait takes at most the client's own longest lease wait, 1h", () => {
    expect(Duration.toMillis(SharedOptions.maxLeaseWait)).toBe(Duration.toMillis(RestoreClient.maxLeaseWait))
    expect(Duration.format(SharedOptions.maxLeaseWait)).toBe("1h")
  })
})
