// One restore, one job, across processes: the built `dds-restore` run as people and scripts run it,
// many times in a row and at once, against one emulator served on 127.0.0.1, sharing the default
// ledger (an SQLite file under a temporary XDG_STATE_HOME, never the user's); killed with SIGKILL
// while its answer is held back, then settled by `dds-restore recover --json`; and killed while it
// holds an instance's lease, which another process takes over once its time to live has run out; and
// recovered while another restore is in flight, whose submission recover leaves to it.
// Each run restores a collection under a name of its own, so the emulator's state (what each job
// restores) says which run created which job. Every process started is killed after each test.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { DemoFixture } from "@dds-restore/testing"
import { afterEach, describe, expect, it } from "vitest"
import { demoCredentials, demoInstance, document, killStarted, type Result, type Served, serve, start } from "./support.js"

interface EmulatorJob {
  readonly id: string
  readonly status: string
  readonly instance_id: string
  readonly created_at: number
  readonly restores: ReadonlyArray<string>
}

interface EmulatorState {
  readonly jobs: ReadonlyArray<EmulatorJob>
  readonly requests: Readonly<Record<string, number>>
}

interface LedgerSubmission {
  readonly submission: string
  readonly instance_id: string
  readonly holder: string
  readonly submitted_at: string
  readonly settled_at?: string
  readonly state: string
  readonly job_id?: string
}

interface LedgerLease {
  readonly instance_id: string
  readonly state: string
  readonly holder: string
  readonly token: number
  readonly expires_at: string | null
}

interface LedgerListing {
  readonly leases: ReadonlyArray<LedgerLease>
  readonly leases_not_listed: number
  readonly submissions: ReadonlyArray<LedgerSubmission>
  readonly submissions_not_listed: number
}

const emulators: Array<Served> = []

afterEach(async () => {
  await killStarted()
  await Promise.all(emulators.splice(0).map((served) => served.stop()))
}, 30_000)

const emulator = async (args: ReadonlyArray<string>): Promise<Served> => {
  const served = await serve(args)
  emulators.push(served)
  return served
}

const stateOf = async (served: Served): Promise<EmulatorState> =>
  (await (await fetch(`${served.url}/_emulator/state`)).json()) as EmulatorState

/** Waits (polling every 100 ms, at most `limitMs`) until the emulator's state satisfies `done`. */
const until = async (served: Served, what: string, done: (state: EmulatorState) => boolean, limitMs = 60_000): Promise<EmulatorState> => {
  for (let waited = 0; waited <= limitMs; waited += 100) {
    const state = await stateOf(served)
    if (done(state)) return state
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the emulator's state did not show ${what} within ${limitMs} ms`)
}

/** A temporary home of state and cache: the default ledger is `<state>/dds-restore/ledger.db`. */
const newHome = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-processes-"))
  return { dir, state: path.join(dir, "state"), cache: path.join(dir, "cache") }
}

type Home = ReturnType<typeof newHome>

/** The environment of a run against `served` with the demo credentials and the default ledger of `home`. */
const envOf = (served: Served, home: Home, extra: Readonly<Record<string, string>> = {}) =>
  demoCredentials({
    HUAWEICLOUD_SDK_DDS_ENDPOINT: served.url,
    XDG_STATE_HOME: home.state,
    XDG_CACHE_HOME: home.cache,
    ...extra
  })

/** A plan restoring `shop.orders` of two hours ago as `shop.<name>`, written in `home`. */
const planAs = (home: Home, name: string): string => {
  const file = path.join(home.dir, `${name}.json`)
  writeFileSync(
    file,
    JSON.stringify({
      restore_collections: [{ database: "shop", collections: [{ old_name: "orders", new_name: name, restore_collection_time: "now-2h" }] }]
    })
  )
  return file
}

/** Runs `dds-restore <args>` to its end (killed by the finalizer if the test ends first). */
const finish = async (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<Result> => {
  const started = start(args, env)
  const { code } = await started.exited
  return { code, stdout: started.stdout(), stderr: started.stderr() }
}

const restore = (plan: string, env: NodeJS.ProcessEnv, more: ReadonlyArray<string> = []) =>
  finish(["restore", plan, "--instance", demoInstance, "--json", ...more], env)

/**
 * Starts `dds-restore restore` of `plan` on `instance` and kills it with SIGKILL once the service has
 * carried out its restore (the emulator's first job) and holds the answer back; its pid, once it has
 * ended.
 */
const killedOnceSent = async (served: Served, env: NodeJS.ProcessEnv, plan: string, instance: string): Promise<number> => {
  const killed = start(["restore", plan, "--instance", instance, "--json"], env)
  await until(served, "the restore's job", (state) => state.jobs.length === 1)
  killed.kill("SIGKILL")
  expect(await killed.exited).toStrictEqual({ code: null, signal: "SIGKILL" })
  return killed.pid
}

const listing = async (env: NodeJS.ProcessEnv): Promise<LedgerListing> => {
  const result = await finish(["ledger", "--json", "--limit", "100"], env)
  expect([result.code, result.stderr]).toStrictEqual([0, expect.any(String)])
  return document(result.stdout) as unknown as LedgerListing
}

const millis = (iso: string | undefined): number => (iso === undefined ? Number.NaN : Date.parse(iso))

/** Which collection each job restores, by job id. */
const restoredBy = (jobs: ReadonlyArray<EmulatorJob>) => new Map(jobs.map((job) => [job.id, job.restores]))

const names = Array.from({ length: 10 }, (_, i) => `orders_run_${i}`)

describe("dds-restore restore from many processes sharing the default ledger", () => {
  it("ten runs in a row, every answer lost: ten distinct job ids, each the job its own run created", async () => {
    const served = await emulator(["--job-duration", "1s", "--visibility-delay", "1s", "--faults", "drop-restore-answer=1"])
    const home = newHome()
    const env = envOf(served, home)
    const reported: Array<string> = []
    for (const name of names) {
      const result = await restore(planAs(home, name), env)
      expect([result.code, result.stderr]).toStrictEqual([0, expect.stringContaining("the answer was lost; the job was found in the task list")])
      const answer = document(result.stdout)
      expect([answer["reconciled"], answer["instance_id"], answer["status"]]).toStrictEqual([true, demoInstance, "Submitted"])
      reported.push(String(answer["job_id"]))
      // As an operator's script does (the issue's `sleep 8`): the next run once this job has ended,
      // since the instance refuses a restore while another runs.
      await until(served, "no running job", (state) => state.jobs.every((job) => job.status !== "Running"))
    }
    const { jobs, requests } = await stateOf(served)
    expect([jobs.length, requests["restore"], new Set(reported).size]).toStrictEqual([10, 10, 10])
    // Each run's job restores that run's collection: no run was told another's job.
    const restores = restoredBy(jobs)
    expect(reported.map((id) => restores.get(id))).toStrictEqual(names.map((name) => [`shop.${name}`]))

    // All ten are in the default ledger, newest first, each with the job its run reported.
    expect(existsSync(path.join(home.state, "dds-restore", "ledger.db"))).toBe(true)
    const ledger = await listing(env)
    expect(ledger.submissions.map((s) => [s.instance_id, s.state, s.job_id])).toStrictEqual(
      [...reported].reverse().map((id) => [demoInstance, "Submitted", id])
    )
    expect(ledger.leases.map((lease) => [lease.instance_id, lease.state, lease.token])).toStrictEqual([[demoInstance, "Released", 10]])
  }, 600_000)

  it("ten processes at once on one instance: one submission in flight at a time, each its own job", async () => {
    // Each job ends (200 ms) before it shows in the task list (500 ms), so the run that holds the
    // lease next never finds the instance busy: every one of the ten must end with its own job.
    const served = await emulator(["--job-duration", "200ms", "--visibility-delay", "500ms", "--faults", "drop-restore-answer=1"])
    const home = newHome()
    const env = envOf(served, home)
    const results = await Promise.all(names.map((name) => restore(planAs(home, name), env, ["--no-preflight", "--reconcile-wait", "10s"])))
    const { jobs, requests } = await stateOf(served)
    expect([results.length, requests["restore"], jobs.length]).toStrictEqual([10, 10, 10])

    // Every process exits 0, reconciled, with a job id of its own: ten distinct ids, each the job
    // that restores that run's collection.
    expect(results.map((result) => [result.code, result.stderr])).toStrictEqual(
      names.map(() => [0, expect.stringContaining("the answer was lost; the job was found in the task list")])
    )
    const answers = results.map((result) => document(result.stdout))
    expect(answers.map((answer) => [answer["reconciled"], answer["instance_id"], answer["status"]])).toStrictEqual(
      names.map(() => [true, demoInstance, "Submitted"])
    )
    const reported = answers.map((answer) => String(answer["job_id"]))
    expect(new Set(reported).size).toBe(10)
    expect(new Set(jobs.map((job) => job.id))).toStrictEqual(new Set(reported))
    const restores = restoredBy(jobs)
    expect(reported.map((id) => restores.get(id))).toStrictEqual(names.map((name) => [`shop.${name}`]))

    // The ledger: ten submissions, one lease holder after another (tokens 1 to 10), and no two in
    // flight at once: each was settled before the next was journaled.
    const ledger = await listing(env)
    expect(ledger.leases.map((lease) => [lease.instance_id, lease.state, lease.token])).toStrictEqual([[demoInstance, "Released", 10]])
    const submissions = [...ledger.submissions].sort((a, b) => millis(a.submitted_at) - millis(b.submitted_at))
    expect(submissions.length).toBe(10)
    for (const [i, submission] of submissions.entries()) {
      const next = submissions[i + 1]
      expect(millis(submission.settled_at)).toBeLessThanOrEqual(next === undefined ? Infinity : millis(next.submitted_at))
    }
    // Each job was created while the submission that claims it was the one in flight.
    expect(jobs.map((job) => submissions.find((s) => millis(s.submitted_at) <= job.created_at && job.created_at <= millis(s.settled_at))?.job_id))
      .toStrictEqual(jobs.map((job) => job.id))
    expect(submissions.map((s) => s.state)).toStrictEqual(names.map(() => "Submitted"))
  }, 600_000)

  it("a restore killed with SIGKILL while its answer is held back: recover --json finds the job it created, the one job there is", async () => {
    const served = await emulator(["--job-duration", "1s", "--faults", "delay-restore-answer=5s"])
    const home = newHome()
    // A short lease, so that recover does not wait the default 30 s for the dead process's.
    const env = envOf(served, home, { DDS_RESTORE_LEASE_TTL: "3s" })
    const killed = await killedOnceSent(served, env, planAs(home, "orders_killed"), demoInstance)

    const left = await listing(env)
    expect(left.submissions.map((s) => [s.state, s.holder])).toStrictEqual([["Intent", expect.stringMatching(`^dds-restore pid ${killed} on `)]])
    const recovered = await finish(["recover", "--json"], env)
    const { jobs, requests } = await stateOf(served)
    expect([jobs.length, requests["restore"], jobs[0]?.restores]).toStrictEqual([1, 1, ["shop.orders_killed"]])
    expect(recovered.code).toBe(0)
    expect(document(recovered.stdout)).toStrictEqual({
      recovered: [expect.objectContaining({
        submission: left.submissions[0]?.submission,
        instance_id: demoInstance,
        result: "Found",
        state: "Submitted",
        job_id: jobs[0]?.id,
        reconciled: true
      })]
    })
    // Recorded: the ledger says so, and nothing is left to recover.
    expect((await listing(env)).submissions.map((s) => [s.state, s.job_id])).toStrictEqual([["Submitted", jobs[0]?.id]])
    const again = await finish(["recover", "--json"], env)
    expect([again.code, document(again.stdout)]).toStrictEqual([0, { recovered: [] }])
  }, 300_000)

  it("a lease holder killed with SIGKILL: another process takes the lease once its time to live has run out, within a second", async () => {
    const served = await emulator(["--job-duration", "1s", "--faults", "delay-restore-answer=3s"])
    const home = newHome()
    const env = envOf(served, home, { DDS_RESTORE_LEASE_TTL: "6s" })
    const killed = await killedOnceSent(served, env, planAs(home, "orders_dead_holder"), demoInstance)
    // The dead holder's lease, renewed every 2 s until the kill, has at least 4 s left.
    const held = (await listing(env)).leases
    expect(held.map((lease) => [lease.state, lease.token, lease.holder])).toStrictEqual([
      ["Held", 1, expect.stringMatching(`^dds-restore pid ${killed} on `)]
    ])
    const expiry = millis(held[0]?.expires_at ?? undefined)
    // Another restore of the instance, started meanwhile, waits for it.
    const next = start(["restore", planAs(home, "orders_next"), "--instance", demoInstance, "--no-preflight", "--json"], env)

    expect(await next.exited).toStrictEqual({ code: 0, signal: null })
    const ledger = await listing(env)
    const taken = ledger.submissions.find((s) => s.holder.startsWith(`dds-restore pid ${next.pid} on `))
    // Journaled (after taking the lease, token 2, and reading the before set) no sooner than the
    // dead holder's lease ran out, and less than a second after.
    const takenAt = millis(taken?.submitted_at)
    expect(takenAt).toBeGreaterThanOrEqual(expiry)
    expect(takenAt - expiry).toBeLessThan(1_000)
    expect(ledger.leases.map((lease) => [lease.state, lease.token])).toStrictEqual([["Released", 2]])
    const { jobs } = await stateOf(served)
    expect(new Map(jobs.map((job) => [job.restores[0], job.id])).get("shop.orders_next")).toBe(taken?.job_id)

    // The dead holder's submission is still an intent, and recover settles it with its own job.
    const recovered = await finish(["recover", "--json"], env)
    expect(recovered.code).toBe(0)
    const [settled] = (document(recovered.stdout)["recovered"] as ReadonlyArray<Record<string, unknown>>)
    expect([settled?.["result"], settled?.["job_id"]]).toStrictEqual([
      "Found",
      new Map(jobs.map((job) => [job.restores[0], job.id])).get("shop.orders_dead_holder")
    ])
  }, 300_000)

  it("a lease holder stalled (SIGSTOP) past its time to live: recover takes the lease and settles its submission; the holder, resumed, is refused its late write, names its job and exits 4", async () => {
    const served = await emulator(["--job-duration", "1s", "--faults", "delay-restore-answer=4s"])
    const home = newHome()
    const env = envOf(served, home, { DDS_RESTORE_LEASE_TTL: "3s" })
    const stalled = start(["restore", planAs(home, "orders_stalled"), "--instance", demoInstance, "--json"], env)
    // Stopped once the service has its restore: the answer comes back while it cannot hear it.
    await until(served, "the restore's job", (state) => state.jobs.length === 1)
    stalled.kill("SIGSTOP")
    const recovered = await finish(["recover", "--json"], env)
    const { jobs } = await stateOf(served)
    expect(recovered.code).toBe(0)
    expect(document(recovered.stdout)["recovered"]).toStrictEqual([
      expect.objectContaining({ result: "Found", state: "Submitted", job_id: jobs[0]?.id, holder: expect.stringMatching(`^dds-restore pid ${stalled.pid} on `) })
    ])
    expect((await listing(env)).leases.map((lease) => [lease.state, lease.token])).toStrictEqual([["Released", 2]])

    // Resumed, it hears its answer, and its write under token 1 is refused: it says so, with its
    // job, exit 4.
    stalled.kill("SIGCONT")
    expect(await stalled.exited).toStrictEqual({ code: 4, signal: null })
    expect(document(stalled.stdout())).toStrictEqual({
      error: expect.objectContaining({
        tag: "JobNotRecorded",
        exit_code: 4,
        instanceId: demoInstance,
        jobId: jobs[0]?.id,
        reconciled: false,
        ledgerFailure: expect.objectContaining({ tag: "LeaseLost", instanceId: demoInstance, token: 1, current: 2 })
      })
    })
    // The journal keeps what recover wrote: one submission, its one job, claimed once.
    const ledger = await listing(env)
    expect(ledger.submissions.map((s) => [s.state, s.job_id])).toStrictEqual([["Submitted", jobs[0]?.id]])
    expect([jobs.length, jobs[0]?.restores]).toStrictEqual([1, ["shop.orders_stalled"]])
  }, 300_000)

  it("recover beside a restore in flight: the live one's submission is left busy (exit 2) within --lease-wait, the dead one's is found", async () => {
    const served = await emulator(["--job-duration", "1s", "--instances", "1", "--fleet-seed", "lease", "--faults", "delay-restore-answer=40s"])
    const [other = ""] = DemoFixture.fleetInstanceIds({ count: 1, seed: "lease" })
    const home = newHome()
    // A lease of 3 s: the killed restore's runs out within recover's default wait of 5 s.
    const env = envOf(served, home, { DDS_RESTORE_LEASE_TTL: "3s" })
    const killed = await killedOnceSent(served, env, planAs(home, "orders_killed"), other)
    // A live restore of another instance, its answer held back 40 s, its lease kept renewed.
    const live = start(["restore", planAs(home, "orders_live"), "--instance", demoInstance, "--json"], env)
    let liveEnded = false
    void live.exited.then(() => (liveEnded = true))
    await until(served, "the live restore's job", (state) => state.jobs.length === 2)

    const recovered = await finish(["recover", "--json"], env)
    // Ended while the live restore still holds its lease: it did not wait for it to be freed.
    expect(liveEnded).toBe(false)
    const jobOf = new Map((await stateOf(served)).jobs.map((job) => [job.restores[0], job.id]))
    const results = document(recovered.stdout)["recovered"] as ReadonlyArray<Record<string, unknown>>
    expect([recovered.code, results.length]).toStrictEqual([2, 2])
    expect(results.find((r) => r["instance_id"] === other)).toMatchObject({
      result: "Found",
      state: "Submitted",
      job_id: jobOf.get("shop.orders_killed"),
      holder: expect.stringMatching(`^dds-restore pid ${killed} on `)
    })
    const busy = results.find((r) => r["instance_id"] === demoInstance)
    expect(busy).toMatchObject({
      result: "Unsettled",
      state: "Intent",
      holder: expect.stringMatching(`^dds-restore pid ${live.pid} on `),
      error: { tag: "InstanceBusy", exit_code: 2 }
    })
    const message = String((busy?.["error"] as Record<string, unknown>)["message"])
    expect(message).toMatch(new RegExp(`^Instance ${demoInstance} is busy: another submission \\(dds-restore pid ${live.pid} on .+\\) holds its lease until `))
    // It waited the default 5 s for the lease, and no longer.
    expect(Number(/not released within (\d+) ms/.exec(message)?.[1])).toBeGreaterThanOrEqual(5_000)

    // The live restore settles its own submission with its own job; nothing is left to recover.
    expect(await live.exited).toStrictEqual({ code: 0, signal: null })
    expect(document(live.stdout())["job_id"]).toBe(jobOf.get("shop.orders_live"))
    const again = await finish(["recover", "--json"], env)
    expect([again.code, document(again.stdout)]).toStrictEqual([0, { recovered: [] }])
  }, 300_000)
})
