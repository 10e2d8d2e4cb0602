// A defect (an unexpected die or throw) ends a run as a defect: exit code 2, a short message on
// standard error, one JSON document with --json. Here the reporter and Cli.settle, the end of every
// run, against a recording output; Hostile.test.ts runs the same through the built bin.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Cli from "../src/Cli.js"
import * as Defect from "../src/Defect.js"
import * as Output from "../src/Output.js"

const recording = () => {
  const streams = { out: "", err: "" }
  const service = Output.Output.of({
    out: (text) => void (streams.out += text),
    err: (text) => void (streams.err += text),
    errIsTerminal: false
  })
  return { streams, service }
}

const prefix = "dds-restore failed unexpectedly (a defect of this program; please report it): "

describe("the report of a defect", () => {
  it("names the error and says it is a defect, on one line with no control character", () => {
    expect(Defect.message(new TypeError("x is not a function"))).toBe(`${prefix}TypeError: x is not a function`)
    expect(Defect.message("a string thrown")).toBe(`${prefix}a string thrown`)
    expect(Defect.message(new Error("two\nlines \u001b[2J"))).toBe(`${prefix}Error: two\\u000alines \\u001b[2J`)
    const long = Defect.message(new Error("y".repeat(10_000)))
    expect(long).toBe(`${prefix}Error: ${"y".repeat(293)}…`)
  })

  it("a value whose String() throws is named by its type", () => {
    const hostile = { toString: () => { throw new Error("no") } }
    expect(Defect.message(hostile)).toBe(`${prefix}object`)
  })

  it("reportNow writes the document only with --json and only when none was written", () => {
    const text = recording()
    expect(Defect.reportNow(text.service, new RangeError("r"), false)).toBe(2)
    expect(text.streams).toStrictEqual({ out: "", err: `error: ${prefix}RangeError: r\n` })
    const json = recording()
    expect(Defect.reportNow(json.service, new RangeError("r"), true)).toBe(2)
    expect(JSON.parse(json.streams.out)).toStrictEqual({ error: { tag: "Defect", message: `${prefix}RangeError: r`, exit_code: 2 } })
    const after = recording()
    expect(Defect.reportNow(after.service, new RangeError("r"), true, true)).toBe(2)
    expect(after.streams.out).toBe("")
  })

  it("a stream that throws does not stop the report: the exit code still says it", () => {
    const broken = Output.Output.of({
      out: () => {
        throw new Error("EIO")
      },
      err: () => {
        throw new Error("EIO")
      },
      errIsTerminal: false
    })
    expect(Defect.reportNow(broken, new Error("first"), true)).toBe(2)
  })
})

describe("Cli.settle: how every run ends", () => {
  const settled = (program: Effect.Effect<unknown, unknown, Output.Output>, json: boolean) => {
    const { streams, service } = recording()
    const code = Effect.runSync(Effect.provideService(Cli.settle(program, json), Output.Output, service))
    return { code, ...streams }
  }

  it.each([
    ["a die", Effect.die(new TypeError("boom"))],
    ["a throw inside a command", Effect.sync(() => JSON.parse("{"))],
    ["a rejected promise", Effect.promise(() => Promise.reject(new Error("boom")))]
  ] as const)("%s exits 2 with the defect named, and one JSON document under --json", async (_, program) => {
    const { streams, service } = recording()
    const code = await Effect.runPromise(Effect.provideService(Cli.settle(program, true), Output.Output, service))
    expect(code).toBe(2)
    const document = JSON.parse(streams.out) as { readonly error: { readonly tag: string; readonly message: string; readonly exit_code: number } }
    expect(document.error.tag).toBe("Defect")
    expect(document.error.exit_code).toBe(2)
    expect(document.error.message.startsWith(prefix)).toBe(true)
    expect(streams.err).toBe(`error: ${document.error.message}\n`)
  })

  it("a failure no command is typed to end with is a defect too", () => {
    expect(settled(Effect.fail("not a failure of any command"), false)).toStrictEqual({
      code: 2,
      out: "",
      err: `error: ${prefix}not a failure of any command\n`
    })
  })

  it("without --json, only the message on standard error", () => {
    expect(settled(Effect.die(new TypeError("boom")), false)).toStrictEqual({
      code: 2,
      out: "",
      err: `error: ${prefix}TypeError: boom\n`
    })
  })

  it("a defect after the program wrote its document adds no second one", () => {
    const program = Effect.zipRight(Output.json({ valid: true }), Effect.die(new Error("late")))
    const result = settled(program, true)
    expect(result.code).toBe(2)
    expect(JSON.parse(result.out)).toStrictEqual({ valid: true })
    expect(result.err).toBe(`error: ${prefix}Error: late\n`)
  })

  it("a program that succeeds exits 0 and writes only what it wrote", () => {
    expect(settled(Output.json({ valid: true }), true)).toStrictEqual({ code: 0, out: "{\n  \"valid\": true\n}\n", err: "" })
  })
})
