// A dry run shows the very request a restore sends: built by the same code, so it cannot drift.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import { RestorePlan } from "@dds-restore/domain"
import { RestoreClient } from "@dds-restore/client"
import { client, fixture, instanceId, json, only, recording, restoring } from "./support.js"

describe("RestoreClient.restoreRequest", () => {
  it.effect("is the request restore sends (before signing), and sends nothing itself", () => {
    const transport = restoring(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const plan = yield* RestorePlan.decode(JSON.parse(fixture("restore-collections.request.json")))
      const shown = yield* dds.restoreRequest(instanceId, plan)
      expect(transport.requests).toHaveLength(0)
      yield* dds.restore(instanceId, plan, { preflight: false })
      expect(Equal.equals(shown, only(transport.requests))).toBe(true)
    }).pipe(Effect.provide(client(transport.layer, undefined, { language: "en-us" })))
  })

  it.effect("refuses an unsafe instance id and a plan that breaks a rule, as restore does", () => {
    const transport = recording(() => Effect.succeed(json(200, fixture("restore-collections.response.json"))))
    return Effect.gen(function*() {
      const dds = yield* RestoreClient.RestoreClient
      const entry = RestorePlan.database("shop", 1607762955000)
      const badId = yield* Effect.flip(dds.restoreRequest("../x", RestorePlan.make([entry])))
      expect(badId._tag).toBe("InvalidArgument")
      const badPlan = yield* Effect.flip(dds.restoreRequest(instanceId, RestorePlan.make([entry, entry])))
      expect(badPlan._tag).toBe("PlanError")
    }).pipe(Effect.provide(client(transport.layer)))
  })
})
