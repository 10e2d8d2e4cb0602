import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Output } from "../src/Output.js"
import * as Progress from "../src/Progress.js"

const recording = (errIsTerminal: boolean) => {
  const err: Array<string> = []
  const layer = Layer.succeed(Output, { out: () => undefined, err: (text) => void err.push(text), errIsTerminal })
  return { err, layer }
}

const snapshots: ReadonlyArray<Progress.Snapshot> = [
  { id: "job-1", status: "Running", progress: 10 },
  { id: "job-1", status: "Running", progress: 10 },
  { id: "job-1", status: "Running", progress: 55 },
  { id: "job-1", status: "Completed", progress: undefined }
]

const draw = Effect.gen(function*() {
  const follower = yield* Progress.follower
  for (const snapshot of snapshots) yield* follower.show(snapshot)
  yield* follower.end
})

describe("following a job", () => {
  it.effect("on a terminal, one line is redrawn with \\r at every change and closed with a newline", () => {
    const { err, layer } = recording(true)
    return Effect.gen(function*() {
      yield* draw
      const bar = (percent: number, filled: number, status: string) =>
        `[${"█".repeat(filled)}${"░".repeat(30 - filled)}] ${String(percent).padStart(3)}% ${status}  job job-1`
      expect(err).toStrictEqual([
        `\r${bar(10, 3, "Running")}`,
        `\r${bar(55, 17, "Running")}`,
        `\r${bar(100, 30, "Completed")}`,
        "\n"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("elsewhere, one plain line per change and nothing to close", () => {
    const { err, layer } = recording(false)
    return Effect.gen(function*() {
      yield* draw
      expect(err).toStrictEqual(["job job-1: Running 10%\n", "job job-1: Running 55%\n", "job job-1: Completed\n"])
    }).pipe(Effect.provide(layer))
  })

  it("the final line names the job, its instance and how it ended", () => {
    const job = {
      id: "job-1",
      name: "MongodbRestoreTable",
      status: "Failed" as const,
      created: "2026-11-26T10:00:00+0000",
      instance: { id: "inst-1", name: "dds-orders-demo" },
      fail_reason: "namespace too long"
    }
    expect(Progress.statusLine(job)).toBe("Failed: job job-1 on dds-orders-demo (inst-1): namespace too long")
    expect(Progress.statusLine({ ...job, status: "Completed", fail_reason: undefined, ended: "2026-11-26T10:01:00+0000" }))
      .toBe("Completed: job job-1 on dds-orders-demo (inst-1), ended 2026-11-26T10:01:00+0000")
  })
})
