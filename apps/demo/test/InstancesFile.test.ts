import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as InstancesFile from "../src/InstancesFile.js"

const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-instances-"))
const file = (name: string, content: string | Buffer): string => {
  const at = path.join(dir, name)
  writeFileSync(at, content)
  return at
}

const refusal = (effect: Effect.Effect<unknown, InstancesFile.InstancesFileError>) => Effect.flip(effect)

describe("InstancesFile", () => {
  it.effect("one id a line, in order; blank lines, # comments, spaces and CRLF left out", () =>
    Effect.gen(function*() {
      const ids = yield* InstancesFile.read(file("ok.txt", "# fleet A\r\nrs-1\r\n\n  rs_2  \nRS3\n"))
      expect(ids).toEqual(["rs-1", "rs_2", "RS3"])
    }))

  it.effect("every bad line is reported with its number, nothing else is used", () =>
    Effect.gen(function*() {
      const at = file("bad.txt", ["rs1", "rs 2", "rs1", "ok-3", "x".repeat(65), "é"].join("\n"))
      const error = yield* refusal(InstancesFile.read(at))
      expect(error._tag).toBe("InstancesFileError")
      expect(error.detail).toBe("4 lines are not usable")
      expect(error.issues).toEqual([
        { line: 2, message: `"rs 2" is not an instance id (only letters, digits, - and _)` },
        { line: 3, message: "rs1 is already on line 1: each instance is restored once a run" },
        { line: 5, message: `"${"x".repeat(40)}…" is 65 characters long, longer than any instance id (at most 64)` },
        { line: 6, message: `"é" is not an instance id (only letters, digits, - and _)` }
      ])
      expect(error.more).toBe(0)
      expect(error.message).toContain(`The instances file ${at} cannot be used: 4 lines are not usable.\n  line 2: "rs 2" is not`)
    }))

  it.effect("an id of 64 characters is taken, one of 65 or of a megabyte is refused with its length", () =>
    Effect.gen(function*() {
      const atBound = "9136fd2a9fcd405ea4674276ce36dae8in02".padEnd(64, "0")
      expect(yield* InstancesFile.parse("f", `${atBound}\n`)).toStrictEqual([atBound])
      const error = yield* refusal(InstancesFile.parse("f", [atBound, `${atBound}1`, "é".repeat(1_000_000)].join("\n")))
      expect(error.issues).toStrictEqual([
        { line: 2, message: `"${atBound.slice(0, 40)}…" is 65 characters long, longer than any instance id (at most 64)` },
        { line: 3, message: `"${"é".repeat(40)}…" is 1000000 characters long, longer than any instance id (at most 64)` }
      ])
    }))

  it.effect("at most 20 bad lines are listed, with how many more", () =>
    Effect.gen(function*() {
      const error = yield* refusal(InstancesFile.parse("f", Array.from({ length: 25 }, (_, i) => `bad id ${i}`).join("\n")))
      expect(error.issues.length).toBe(20)
      expect(error.issues[19]?.line).toBe(20)
      expect(error.more).toBe(5)
      expect(error.message).toContain("\n  and 5 more lines\n")
    }))

  it.effect("a file with no id, with more than 10000 ids, or over 1 MiB is refused", () =>
    Effect.gen(function*() {
      expect((yield* refusal(InstancesFile.read(file("empty.txt", "\n# nothing\n")))).detail).toBe("it holds no instance id")
      const many = Array.from({ length: 10_001 }, (_, i) => `rs${i}`).join("\n")
      expect((yield* refusal(InstancesFile.read(file("many.txt", many)))).detail).toBe(
        "it holds 10001 instance ids, more than the 10000 one run restores"
      )
      const exactly = Array.from({ length: 10_000 }, (_, i) => `rs${i}`).join("\n")
      expect((yield* InstancesFile.read(file("max.txt", exactly))).length).toBe(10_000)
      const big = file("big.txt", Buffer.alloc(InstancesFile.maxBytes + 1, "a"))
      expect((yield* refusal(InstancesFile.read(big))).detail).toBe("it is larger than 1048576 bytes (1 MiB)")
    }))

  it.effect("a missing file and a directory are named", () =>
    Effect.gen(function*() {
      expect((yield* refusal(InstancesFile.read(path.join(dir, "none.txt")))).detail).toBe("there is no such file")
      expect((yield* refusal(InstancesFile.read(dir))).detail).toBe("it is a directory")
    }))
})
