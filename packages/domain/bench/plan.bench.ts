// Cost of reading, checking and writing a plan as it grows: decode (fields and rules) + encode.
import { Effect, Schema } from "effect"
import { bench, describe } from "vitest"
import { RestorePlan } from "@dds-restore/domain"

const NOW = 1_764_000_000_000
const options: RestorePlan.Options = {
  now: NOW,
  windows: [{ start: NOW - 86_400_000, end: NOW - 3_600_000 }, { start: NOW - 3_000_000, end: NOW }]
}

// A wire body with `count` collections spread over databases of at most 100 collections, one in
// three renamed, times as the SDKs send them (strings of digits).
const body = (count: number) => {
  const restore_collections: Array<unknown> = []
  for (let d = 0; d * 100 < count; d++) {
    const collections: Array<unknown> = []
    for (let c = d * 100; c < Math.min(count, (d + 1) * 100); c++) {
      const time = String(NOW - 7_200_000 - c)
      collections.push(
        c % 3 === 0
          ? { old_name: `orders_${c}`, new_name: `orders_${c}_restored`, restore_collection_time: time }
          : { old_name: `orders_${c}`, restore_collection_time: time }
      )
    }
    restore_collections.push({ database: `shop_${d}`, collections })
  }
  return { restore_collections }
}

const roundTrip = (input: unknown) => RestorePlan.encode(Effect.runSync(RestorePlan.decode(input, options)))

for (const count of [10, 1_000, 10_000]) {
  describe(`${count} collections`, () => {
    const input = body(count)
    bench(`decode + validate + encode`, () => {
      roundTrip(input)
    })
  })
}

describe("10000 collections, the schema alone (what the fast path saves)", () => {
  const input = body(10_000)
  const decode = Schema.decodeUnknownSync(RestorePlan.FromInput)
  bench("schema decode + encode", () => {
    RestorePlan.encode(decode(input))
  })
})
