// The fleet promise as a platform team relies on it, counted over real processes: one emulator
// serving 200 replica sets, 30% of restore answers lost and 20% of requests throttled, four
// `dds-restore restore --instances` runners of 100 instances each, every instance in the lists of
// two runners, all sharing one PostgreSQL ledger. Only counts are asserted here; the wall time
// against the rate bound is the benchmark's (bench/FleetSimulation.bench.ts).
import { describe, expect, it } from "@effect/vitest"
import { figures, saidUnsettled, simulate, unsettledWhy } from "./fleet.js"

const shape = { database: "demo_fleet_simulation", instances: 200, runners: 4, concurrency: 32, rate: 10 } as const

describe("a fleet of runner processes sharing one PostgreSQL ledger", () => {
  it("4 runners x 100 instances, each instance in two lists, answers lost and requests throttled: no instance restored twice, no job reported twice or misattributed", async () => {
    const report = await simulate({ ...shape, fleetSeed: "sim" })
    const counted = figures(report)
    // A result per line of each file, in its order.
    report.runs.forEach((r, k) => expect(r.rows.map((row) => row.instance_id)).toStrictEqual(report.lists[k]))
    expect([counted.instances, counted.runner_items]).toStrictEqual([200, 400])
    expect(counted.job_ids_reported_twice).toBe(0)
    expect(counted.reported_ids_not_the_submissions_job).toBe(0)
    expect(counted.instances_restored_twice_at_once).toBe(0)
    expect(counted.instances_restored_twice).toBe(0)
    // One restore per instance at most; an instance no runner restored was tried by one of them
    // (its answer lost before the service did anything, or refused), never skipped by both as busy.
    for (const reasons of Object.keys(counted.not_restored_because)) {
      expect(reasons.split("+").some((tag) => tag === "RestoreOutcomeUnknown" || tag === "ServiceError")).toBe(true)
    }
    // The met-busy results say so; the others are jobs, or an outcome that could not be known.
    for (const tag of Object.keys(counted.item_results)) {
      expect(["job", "InstanceBusy", "PreflightFailed", "ServiceError", "RestoreOutcomeUnknown"]).toContain(tag)
    }
    expect(counted.item_results["InstanceBusy"] ?? 0).toBeGreaterThan(0)
    // Every lost answer was settled: its job found, no job (the restore was refused), or unknown
    // with its candidates; except one whose task list could not be read either (throttled, timed
    // out on a loaded machine): that one is left for recover, and its runner's result names it.
    expect(counted.lost_answers).toBeGreaterThan(0)
    const said = report.runs.flatMap(saidUnsettled).sort()
    expect(report.left.map((e) => e.id).sort(), unsettledWhy(report, report.left)).toStrictEqual(said)
    // recover (run only when something was left) settled every one of them.
    expect(report.recovered?.results.length ?? 0).toBe(said.length)
    for (const result of report.recovered?.results ?? []) expect(["Found", "NotStarted", "Unknown"]).toContain(result)
    expect(counted.unsettled_submissions, unsettledWhy(report)).toBe(0)
    expect(counted.unknown_without_candidates).toBe(0)
    // Every job the emulator created was reported by the runner whose plan made it, or its
    // submission said it could not tell.
    expect(counted.jobs_not_reported).toBeLessThanOrEqual(counted.item_results["RestoreOutcomeUnknown"] ?? 0)
  }, 600_000)
})

describe("a runner killed halfway", () => {
  it("SIGKILLed with a submission in flight: the others finish, recover settles what it left from any runner's machine, and still no job twice", async () => {
    const report = await simulate({ ...shape, database: "demo_fleet_killed", fleetSeed: "killed", kill: { runner: 1, afterSubmissions: 25 } })
    const counted = figures(report)
    expect(report.runs.map((r) => r.signal)).toStrictEqual([null, "SIGKILL", null, null])
    report.runs.forEach((r, k) => {
      if (k !== 1) expect(r.rows.map((row) => row.instance_id)).toStrictEqual(report.lists[k])
    })
    // It left at least the submission it was killed in: journaled, maybe sent, never settled. The
    // others left only those their results name (their outcome could not be recorded).
    const killed = report.left.filter((e) => e.body.includes('"orders_r1"'))
    expect(killed.length).toBeGreaterThan(0)
    const others = report.left.filter((e) => !killed.includes(e))
    expect(others.map((e) => e.id).sort(), unsettledWhy(report, others)).toStrictEqual(report.runs.flatMap(saidUnsettled).sort())
    // recover settled every one of them from the task list (waiting out the dead runner's leases).
    expect(report.recovered?.results.length).toBe(counted.left_unsettled_by_runners)
    for (const result of report.recovered?.results ?? []) expect(["Found", "NotStarted", "Unknown"]).toContain(result)
    expect(counted.unsettled_submissions, unsettledWhy(report)).toBe(0)
    expect(counted.unknown_without_candidates).toBe(0)
    // Still no duplicate: no job reported twice or to the wrong submission, no instance restored twice.
    expect(counted.job_ids_reported_twice).toBe(0)
    expect(counted.reported_ids_not_the_submissions_job).toBe(0)
    expect(counted.instances_restored_twice).toBe(0)
    // Every job is reported by its runner or claimed in the ledger (by recover, for the dead runner's),
    // except those a submission reported as unknown.
    expect(counted.jobs_not_reported_nor_claimed).toBeLessThanOrEqual(counted.item_results["RestoreOutcomeUnknown"] ?? 0)
  }, 600_000)
})
