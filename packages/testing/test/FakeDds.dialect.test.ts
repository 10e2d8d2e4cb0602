import * as Effect from "effect/Effect"
import { FakeDds } from "../src/index.js"
import { describeDialect } from "./dialect/scenarios.js"

describeDialect("the service's dialect, in memory (FakeDds)", (seed) =>
  Effect.map(FakeDds.make(seed), (fake) => ({
    endpoint: "https://dds.cn-north-4.myhuaweicloud.com",
    send: (request) => Effect.orDie(fake.handle(request))
  })))
