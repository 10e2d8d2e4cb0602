// The fleet simulations of test/FleetSimulation.test.ts once each, for their figures: what they
// counted, and the wall time of the four runners against the rate bound (the requests sent divided by the
// requests per second the runners' --rate allow together). Run it with
// `npx vitest bench --run --project demo bench/FleetSimulation.bench.ts`; the figures are printed
// as one JSON line.
import { bench, describe } from "vitest"
import { figures, simulate } from "../test/fleet.js"

describe("the fleet simulation", () => {
  bench("4 runners x 100 instances over one PostgreSQL ledger, --rate 10 each", async () => {
    const report = await simulate({ database: "demo_fleet_bench", fleetSeed: "bench", instances: 200, runners: 4, concurrency: 32, rate: 10 })
    console.log(JSON.stringify(figures(report)))
  }, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 })

  bench("the same, one runner SIGKILLed halfway, then dds-restore recover", async () => {
    const report = await simulate({
      database: "demo_fleet_bench",
      fleetSeed: "bench-killed",
      instances: 200,
      runners: 4,
      concurrency: 32,
      rate: 10,
      kill: { runner: 1, afterSubmissions: 25 }
    })
    console.log(JSON.stringify(figures(report)))
  }, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 })
})
