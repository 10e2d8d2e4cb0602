// Cost of signing with the cached token (every request pays it), and of 100 requests arriving at
// once on a provider without a token (one IAM call against the in-memory fake, 99 waiters).
import * as Effect from "effect/Effect"
import { bench, describe } from "vitest"
import { setup } from "../test/fixtures/Setup.js"

const warm = Effect.runSync(
  Effect.tap(setup(), ({ provider }) => provider.token)
)

describe("TokenSigner.sign", () => {
  bench("one request, token cached", () => {
    Effect.runSync(warm.signer.sign(warm.fake.serviceRequest))
  })

  bench("100 concurrent requests, no token yet (one IAM call)", async () => {
    await Effect.runPromise(
      Effect.flatMap(setup(), ({ fake, signer }) =>
        Effect.all(Array.from({ length: 100 }, () => signer.sign(fake.serviceRequest)), { concurrency: "unbounded" }))
    )
  })
})
