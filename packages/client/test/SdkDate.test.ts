// The gateway's X-Sdk-Date, read and written one way by signers, verifiers and fakes alike.
import { describe, expect, it } from "@effect/vitest"
import { SdkDate } from "../src/index.js"

describe("SdkDate", () => {
  it("formats epoch ms as YYYYMMDDTHHMMSSZ in UTC, and parses it back", () => {
    const millis = Date.UTC(2019, 10, 15, 3, 36, 55)
    expect(SdkDate.format(millis)).toBe("20191115T033655Z")
    expect(SdkDate.parse("20191115T033655Z")).toBe(millis)
    // Milliseconds are dropped, not rounded.
    expect(SdkDate.format(Date.UTC(2019, 10, 15, 3, 36, 55, 999))).toBe("20191115T033655Z")
  })

  it("refuses what is not a real date in that form", () => {
    for (const text of ["20191332T000000Z", "20190230T000000Z", "20190229T000000Z", "2019-11-15T03:36:55Z", "20191115T033655", ""]) {
      expect(SdkDate.parse(text)).toBeUndefined()
    }
  })

  it("reads the gateway's clock from a signature-expired refusal, and nothing from other messages", () => {
    const message = "Incorrect IAM authentication information: calc aksk signature fail:signature expired, " +
      "signature time:20211217T064303Z,server time:20211217T065804Z"
    expect(SdkDate.serverTimeIn(message)).toBe(Date.UTC(2021, 11, 17, 6, 58, 4))
    expect(SdkDate.serverTimeIn("server time:20211317T065804Z")).toBeUndefined()
    expect(SdkDate.serverTimeIn("Parameter error")).toBeUndefined()
  })

  it("allows 15 minutes of skew", () => {
    expect(SdkDate.maxClockSkewMillis).toBe(900_000)
  })
})
