// A failing assertion on an error of a RestoreClient operation is reported as an AssertionError
// saying what was expected (vitest's diff of the fields below it): errors failed inside the
// operation's span are Proxies (effect's span capture), which chai's inspect looped on forever
// ("Maximum call stack size exceeded", the failure hidden) before vitest.setup.ts.
import { RestoreClient } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { client, fixture, json, recording } from "./support.js"

describe("a failing assertion on a client error", () => {
  it.effect("is an AssertionError naming what was expected, whatever the matcher", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("backup-policy.response.json"))))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RestoreClient.RestoreClient).backupPolicy("a/b"))
      expect(error._tag).toBe("InvalidArgument")
      const failures = [
        () => expect(error).toMatchObject({ _tag: "InvalidArgument", argument: "jobId" }),
        () => expect(error).toStrictEqual({ _tag: "InvalidArgument" }),
        () => expect(error).toBe("InvalidArgument")
      ].map((assertion) => {
        try {
          assertion()
          return "passed"
        } catch (thrown) {
          return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : "not an Error"
        }
      })
      // Before vitest.setup.ts, each of them was "RangeError: Maximum call stack size exceeded".
      expect(failures).toStrictEqual([
        "AssertionError: expected { Object (operation, argument, ...) } to match object { _tag: 'InvalidArgument', …(1) }\n" +
        "(2 matching properties omitted from actual)",
        "AssertionError: expected { Object (operation, argument, ...) } to strictly equal { _tag: 'InvalidArgument' }",
        "AssertionError: expected { Object (operation, argument, ...) } to be 'InvalidArgument' // Object.is equality"
      ])
      expect(transport.requests).toHaveLength(0)
    }).pipe(Effect.provide(client(transport.layer)))
  })
})
