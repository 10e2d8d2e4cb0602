import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import { RestoreClient } from "@dds-restore/client"
import { client, endpoint, fixture, json, projectId, recording } from "./support.js"

const safe = /^[A-Za-z0-9_-]+$/

describe("ids placed in a path", () => {
  it.effect.prop(
    "any id is either sent as exactly one path segment (at most 64 of letters, digits, - and _) or refused with InvalidArgument before anything is sent",
    [fc.oneof(
      fc.string(),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
      // Around the bound on an id's length, 64.
      fc.stringMatching(/^[A-Za-z0-9_-]{60,70}$/),
      fc.constantFrom("..", ".", "a/b", "a%2Fb", "x?y", "#")
    )],
    ([id]) => {
      const transport = recording(() => Effect.succeed(json(200, fixture("backup-policy.response.json"))))
      return Effect.gen(function*() {
        const result = yield* Effect.either((yield* RestoreClient.RestoreClient).backupPolicy(id))
        if (safe.test(id) && id.length <= 64) {
          expect(result._tag).toBe("Right")
          expect(transport.requests.map((r) => r.url)).toStrictEqual([`${endpoint}/v3/${projectId}/instances/${id}/backups/policy`])
        } else {
          expect(result._tag === "Left" && result.left._tag).toBe("InvalidArgument")
          expect(result._tag === "Left" && result.left.message).toContain("Pass the id exactly as the console or the API shows it")
          expect(transport.requests).toHaveLength(0)
        }
      }).pipe(Effect.provide(client(transport.layer)))
    },
    { fastCheck: { numRuns: 50 } }
  )
})
