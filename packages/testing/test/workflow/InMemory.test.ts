// The workflow suite over FakeDds.layerMemory on the TestClock: every scenario with its exact
// schedule, messages and request counts. The emulator's test/Workflow.test.ts runs the same suite
// over HTTP.
import { inMemory } from "./support.js"
import { workflowSuite } from "./suite/index.js"

workflowSuite(inMemory)
