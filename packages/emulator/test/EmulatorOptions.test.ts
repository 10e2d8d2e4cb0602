import { EmulatorOptions } from "@dds-restore/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

const left = <A>(result: Either.Either<A, EmulatorOptions.InvalidOption>): EmulatorOptions.InvalidOption => {
  if (Either.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right)}`)
  return result.left
}

const right = <A>(result: Either.Either<A, EmulatorOptions.InvalidOption>): A => {
  if (Either.isLeft(result)) throw new Error(`expected a value, got ${result.left.message}`)
  return result.right
}

describe("EmulatorOptions.parseFaults", () => {
  it("reads every fault of the documented example", () => {
    const faults = right(EmulatorOptions.parseFaults("throttle=0.2,error5xx=0.05,latency=20ms,drop-restore-answer=1"))
    expect(faults.throttle).toBe(0.2)
    expect(faults.error5xx).toBe(0.05)
    expect(faults.dropRestoreAnswer).toBe(1)
    expect(faults.latency).toEqual(Duration.millis(20))
    expect(faults.clockSkew).toBeUndefined()
  })

  it("reads a clock skew ahead or behind", () => {
    expect(right(EmulatorOptions.parseFaults("clock-skew=20m"))).toEqual({ clockSkew: Duration.minutes(20) })
    expect(right(EmulatorOptions.parseFaults("clock-skew=-20m"))).toEqual({
      clockSkew: Duration.minutes(20),
      clockSkewBehind: true
    })
  })

  it("treats an empty spec as no faults", () => {
    expect(right(EmulatorOptions.parseFaults(""))).toEqual({})
  })

  it("names an unknown fault", () => {
    const error = left(EmulatorOptions.parseFaults("throttle=0.2,explode=1"))
    expect(error._tag).toBe("InvalidOption")
    expect(error.option).toBe("--faults")
    expect(error.detail).toContain(`unknown fault "explode"`)
  })

  it("names a rate out of range", () => {
    expect(left(EmulatorOptions.parseFaults("error5xx=0.05,throttle=1.5")).detail).toBe(
      "throttle=1.5: expected a rate from 0 to 1, for example 0.2"
    )
  })

  it("names a latency that is not a duration", () => {
    expect(left(EmulatorOptions.parseFaults("latency=fast")).detail).toBe("latency=fast: expected a duration such as 20ms, at most 24h")
  })

  it("refuses an item without a value and a repeated item", () => {
    expect(left(EmulatorOptions.parseFaults("throttle")).detail).toBe("throttle: expected throttle=<value>")
    expect(left(EmulatorOptions.parseFaults("throttle=0.1,throttle=0.2")).detail).toBe("throttle is given twice")
  })
})

describe("EmulatorOptions.parseDuration", () => {
  it("reads milliseconds, seconds, minutes and hours", () => {
    expect(right(EmulatorOptions.parseDuration("300ms"))).toEqual(Duration.millis(300))
    expect(right(EmulatorOptions.parseDuration("2s"))).toEqual(Duration.millis(2_000))
    expect(right(EmulatorOptions.parseDuration("1.5m"))).toEqual(Duration.millis(90_000))
    expect(right(EmulatorOptions.parseDuration("1h"))).toEqual(Duration.millis(3_600_000))
  })

  it("refuses a bare number or a negative duration, naming the option", () => {
    const error = left(EmulatorOptions.parseDuration("2", "--visibility-delay"))
    expect(error.option).toBe("--visibility-delay")
    expect(error.value).toBe("2")
    expect(left(EmulatorOptions.parseDuration("-2s")).option).toBe("--job-duration")
  })

  it("takes at most 24h, in the options and in the faults alike", () => {
    expect(Duration.toMillis(EmulatorOptions.maxDuration)).toBe(86_400_000)
    expect(right(EmulatorOptions.parseDuration("24h"))).toEqual(Duration.hours(24))
    for (const text of ["24.01h", "1441m", `${"9".repeat(198)}h`]) {
      expect(left(EmulatorOptions.parseArgs(["--job-duration", text])).message, text).toBe(
        `--job-duration ${JSON.stringify(text)}: expected a number followed by ms, s, m or h, at most 24h, for example 2s (run with --help for the options).`
      )
    }
    expect([
      left(EmulatorOptions.parseFaults("latency=25h")).detail,
      left(EmulatorOptions.parseFaults("delay-restore-answer=90000s")).detail,
      left(EmulatorOptions.parseFaults("clock-skew=-25h")).detail
    ]).toStrictEqual([
      "latency=25h: expected a duration such as 20ms, at most 24h",
      "delay-restore-answer=90000s: expected a duration such as 5s, at most 24h",
      "clock-skew=-25h: expected a duration such as 20m (ahead) or -20m (behind), at most 24h"
    ])
    expect(right(EmulatorOptions.parseFaults("latency=24h,clock-skew=-24h"))).toEqual({
      latency: Duration.hours(24),
      clockSkew: Duration.hours(24),
      clockSkewBehind: true
    })
  })
})

describe("EmulatorOptions.parseArgs", () => {
  it("defaults to 127.0.0.1 on any free port with no faults", () => {
    expect(right(EmulatorOptions.parseArgs([]))).toEqual({ host: "127.0.0.1", port: 0, faults: {}, help: false })
  })

  it("reads every option", () => {
    const options = right(
      EmulatorOptions.parseArgs([
        "--host",
        "::1",
        "--port",
        "8080",
        "--seed",
        "seed.json",
        "--faults",
        "throttle=0.5",
        "--job-duration",
        "2s",
        "--visibility-delay=100ms"
      ])
    )
    expect(options).toEqual({
      host: "::1",
      port: 8080,
      seedFile: "seed.json",
      faults: { throttle: 0.5 },
      jobDuration: Duration.millis(2_000),
      visibilityDelay: Duration.millis(100),
      help: false
    })
  })

  it("refuses a port out of range", () => {
    const error = left(EmulatorOptions.parseArgs(["--port", "70000"]))
    expect(error.option).toBe("--port")
    expect(error.message).toBe(`--port "70000": expected an integer from 0 to 65535 (run with --help for the options).`)
  })

  it("refuses an unknown option, naming it", () => {
    const error = left(EmulatorOptions.parseArgs(["--prot", "1"]))
    expect(error.option).toBe("--prot")
  })

  it("refuses a bad fault spec with the bad item named", () => {
    expect(left(EmulatorOptions.parseArgs(["--faults", "latency=20"])).detail).toBe(
      "latency=20: expected a duration such as 20ms, at most 24h"
    )
  })

  it("refuses positional arguments", () => {
    expect(Either.isLeft(EmulatorOptions.parseArgs(["serve"]))).toBe(true)
  })
})

describe("a huge value", () => {
  const huge = "9".repeat(100_000)
  const more = (n: number) => `… (${n} more characters)`

  it("is quoted by its first 200 characters, and how many more there are", () => {
    const error = left(EmulatorOptions.parseArgs(["--job-duration", `${huge}h`]))
    // The error keeps the value as given; its message quotes only the start.
    expect(error.value).toBe(`${huge}h`)
    expect(error.message).toBe(
      `--job-duration "${"9".repeat(200)}"${more(99_801)}: expected a number followed by ms, s, m or h, at most 24h, for example 2s ` +
        "(run with --help for the options)."
    )
    // At the bound itself, the whole value.
    expect(left(EmulatorOptions.parseArgs(["--port", "9".repeat(200)])).message).toBe(
      `--port "${"9".repeat(200)}": expected an integer from 0 to 65535 (run with --help for the options).`
    )
  })

  it("in --faults: the spec, the bad item and an unknown fault's name are each cut alike", () => {
    const rate = left(EmulatorOptions.parseArgs(["--faults", `throttle=${huge}`]))
    expect(rate.message).toBe(
      `--faults "throttle=${"9".repeat(191)}"${more(99_809)}: throttle=${"9".repeat(191)}${more(99_809)}: ` +
        "expected a rate from 0 to 1, for example 0.2 (run with --help for the options)."
    )
    const x = "x".repeat(100_000)
    expect(left(EmulatorOptions.parseFaults(`${x}=1`)).detail).toBe(
      `unknown fault "${"x".repeat(200)}"${more(99_800)}; known: throttle, error5xx, delay-restore-answer, drop-restore-answer, latency, clock-skew`
    )
    expect(left(EmulatorOptions.parseFaults(`latency=${x}`)).detail).toBe(`latency=${"x".repeat(192)}${more(99_808)}: expected a duration such as 20ms, at most 24h`)
  })

  it("as an unknown option: its name and Node's reason are cut too", () => {
    const error = left(EmulatorOptions.parseArgs([`--${"a".repeat(100_000)}`]))
    expect(error.option).toBe(`--${"a".repeat(198)}${more(99_802)}`)
    expect(error.detail.startsWith(`Unknown option '--${"a".repeat(100)}`)).toBe(true)
    expect(error.detail.endsWith(" more characters)")).toBe(true)
    expect(error.message.length).toBeLessThan(1_500)
  })

  it("the fleet seed's, too", () => {
    expect(left(EmulatorOptions.parseArgs(["--instances", "2", "--fleet-seed", "s".repeat(5_000)])).message).toBe(
      `--fleet-seed "${"s".repeat(200)}"${more(4_800)}: expected a text of 1 to 100 characters (run with --help for the options).`
    )
  })
})
