// The workflow suite: the scenarios a user of RestoreClient relies on, written once and run by each
// harness's test file (test/workflow/InMemory.test.ts here, test/Workflow.test.ts in the emulator).
import { describe } from "@effect/vitest"
import type { Harness } from "./Harness.js"
import { jobScenarios } from "./Jobs.js"
import { lostAnswerScenarios } from "./LostAnswer.js"
import { preflightScenarios } from "./Preflight.js"
import { restoreManyScenarios } from "./RestoreMany.js"
import { throttlingScenarios } from "./Throttling.js"
import { tokenScenarios } from "./Tokens.js"

export * from "./Harness.js"

/** Registers every scenario of the suite against `harness`. */
export const workflowSuite = (harness: Harness): void => {
  describe(`the whole restore, ${harness.name}`, () => {
    preflightScenarios(harness)
    jobScenarios(harness)
    lostAnswerScenarios(harness)
    throttlingScenarios(harness)
    restoreManyScenarios(harness)
    tokenScenarios(harness)
  })
}
