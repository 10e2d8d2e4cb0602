import { describeDialect, inMemory } from "./dialect/scenarios.js"

describeDialect("the service's dialect, in memory (FakeDds)", inMemory)
