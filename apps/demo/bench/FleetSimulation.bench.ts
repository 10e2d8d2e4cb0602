// The fleet simulations of test/FleetSimulation.test.ts once each, for their figures: what they
// counted, and the wall time of the four runners against the rate bound (the requests sent divided by the
// requests per second the runners' --rate allow together). Run it with
// `npx vitest bench --run --project demo bench/FleetSimulation.bench.ts`; the figures are printed
// as one JSON line per case.
//
// Each runner paces only its own requests, so the batch lasts as long as its slowest runner: its
// start (Node, the ledger's connection and migration), its share of the requests at its rate, and
// its last restore's waits, which no other work fills: each throttled request waits 2 s, a restore
// whose answer was lost waits for its job to show (1 s here), or out the whole --reconcile-wait
// (8 s here) when it never does. Those waits are the same at any rate, so they weigh twice as much
// at --rate 10 (a batch of about 55 s) as at --rate 5 (about 110 s): both are measured. A runner
// takes an instance's lease only once its pace has room for the restore, so the instances two
// runners share go to the one with time for them; --concurrency 16 keeps each runner's pace busy.
import { bench, describe } from "vitest"
import { figures, simulate } from "../test/fleet.js"

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 }
const shape = { database: "demo_fleet_bench", instances: 200, runners: 4, concurrency: 16 }

describe("the fleet simulation", () => {
  bench("4 runners x 100 instances over one PostgreSQL ledger, --rate 10 each", async () => {
    const report = await simulate({ ...shape, fleetSeed: "bench", rate: 10 })
    console.log(JSON.stringify(figures(report)))
  }, once)

  bench("the same at --rate 5 each", async () => {
    const report = await simulate({ ...shape, fleetSeed: "bench-5", rate: 5 })
    console.log(JSON.stringify(figures(report)))
  }, once)

  bench("the same at --rate 10, one runner SIGKILLed halfway, then dds-restore recover", async () => {
    const report = await simulate({ ...shape, fleetSeed: "bench-killed", rate: 10, kill: { runner: 1, afterSubmissions: 25 } })
    console.log(JSON.stringify(figures(report)))
  }, once)
})
