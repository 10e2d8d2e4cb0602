import { describeContract } from "./dialect/contract.js"
import { inMemory } from "./dialect/scenarios.js"

describeContract("the client and FakeDds against the SDK models", inMemory)
