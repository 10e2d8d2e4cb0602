import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as BatchProgress from "../src/BatchProgress.js"
import { Output } from "../src/Output.js"

const recording = (errIsTerminal: boolean) => {
  const err: Array<string> = []
  const layer = Layer.succeed(Output, { out: () => undefined, err: (text) => void err.push(text), errIsTerminal })
  return { err, layer }
}

const count = Effect.gen(function*() {
  const counter = yield* BatchProgress.make(4)
  yield* counter.ended({ instanceId: "rs1", jobId: "job-1" })
  yield* counter.ended({ instanceId: "rs2", errorTag: "PreflightFailed" })
  yield* counter.ended({ instanceId: "rs3", jobId: "job-3" })
  yield* counter.ended({ instanceId: "rs4", jobId: "job-4" })
  yield* counter.end
})

describe("counting a batch's instances", () => {
  it.effect("on a terminal, one bar counts the instances done and failed, redrawn with \\r, closed with a newline", () => {
    const { err, layer } = recording(true)
    return Effect.gen(function*() {
      yield* count
      const bar = (done: number, filled: number, failed: string) =>
        `[${"█".repeat(filled)}${"░".repeat(30 - filled)}] ${done}/4 instances done${failed}`
      expect(err).toStrictEqual([
        `\r${bar(0, 0, "")}`,
        `\r${bar(1, 8, "")}`,
        `\r${bar(2, 15, ", 1 failed")}`,
        `\r${bar(3, 23, ", 1 failed")}`,
        `\r${bar(4, 30, ", 1 failed")}`,
        "\n"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("elsewhere, one plain line per instance done, with its job or its error's tag", () => {
    const { err, layer } = recording(false)
    return Effect.gen(function*() {
      yield* count
      expect(err).toStrictEqual(["1/4 rs1: job job-1\n", "2/4 rs2: PreflightFailed\n", "3/4 rs3: job job-3\n", "4/4 rs4: job job-4\n"])
    }).pipe(Effect.provide(layer))
  })
})
