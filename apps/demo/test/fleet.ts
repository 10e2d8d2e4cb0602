// The fleet simulation as a platform team runs it: one `dds-restore emulator --instances 200` with
// answers lost (30% of restores) and requests throttled (20%), runner processes of `dds-restore
// restore PLAN --instances FILE`, each of 100 instances whose two halves are each in another
// runner's list too, all sharing one PostgreSQL ledger (DDS_RESTORE_LEDGER); optionally one runner
// killed with SIGKILL halfway; then `dds-restore recover` when any submission was left unsettled. Each runner restores under a collection
// name of its own (orders_r0, ...), so a job tells whose submission created it. What happened is
// counted from the emulator's state, the runners' documents and the ledger's rows: the test asserts
// the counts, the benchmark prints them with the wall time against the rate bound.
import { DemoFixture } from "@dds-restore/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as PgTest from "../../../packages/ledger-sql/test/postgres.js"
import { bin, demoCredentials, root, run, serve } from "./support.js"

/** The shape of a simulation. */
export interface Options {
  /** The test file's database (created on first use); each simulation gets a schema of its own. */
  readonly database: string
  /** Names the emulator's fleet. */
  readonly fleetSeed: string
  readonly instances: number
  readonly runners: number
  readonly concurrency: number
  /** Each runner's --rate: requests per second. */
  readonly rate: number
  /**
   * SIGKILL this runner once it has journaled this many submissions and one of them is in flight
   * (journaled, not settled); then `recover`.
   */
  readonly kill?: { readonly runner: number; readonly afterSubmissions: number } | undefined
}

/** One result line of a runner's document. */
export interface Row {
  readonly instance_id: string
  readonly job_id?: string
  readonly reconciled?: boolean
  readonly error?: { readonly tag: string; readonly message: string; readonly unsettled?: string }
}

/** How one runner process ended. */
export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Its document's results; none when it was killed. */
  readonly rows: ReadonlyArray<Row>
  readonly millis: number
  readonly stderr: string
}

/** A job of the emulator's state. */
export interface Job {
  readonly id: string
  readonly instance_id: string
  readonly created_at: number
  readonly ended_at: number | null
  readonly restores: ReadonlyArray<string>
}

/** A submission of the ledger, as its row reads. */
export interface Entry {
  readonly id: string
  readonly instance_id: string
  readonly holder: string
  readonly state: string
  readonly lost: boolean
  readonly job_id: string | null
  readonly candidates: string | null
  readonly body: string
}

/** Everything a simulation produced. */
export interface Report {
  readonly options: Options
  readonly lists: ReadonlyArray<ReadonlyArray<string>>
  readonly runs: ReadonlyArray<Ran>
  readonly wallMillis: number
  readonly jobs: ReadonlyArray<Job>
  readonly requests: number
  /** The ledger after the runners (and `recover`, when any submission was left unsettled). */
  readonly entries: ReadonlyArray<Entry>
  /** The submissions the runners left unsettled (Intent or Sent), before `recover`. */
  readonly left: ReadonlyArray<Entry>
  readonly recovered: { readonly code: number | null; readonly results: ReadonlyArray<string> } | undefined
}

/** The collection a runner's plan restores `shop.orders` into. */
export const collectionOf = (runner: number): string => `orders_r${runner}`

/**
 * The runners' lists: the fleet cut into 4 groups, each runner given 2 of them, each group given to
 * 2 runners, both with it in the same half of their list so that they reach it at the same time.
 */
export const listsOf = (ids: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
  const size = ids.length / 4
  const group = (g: number) => ids.slice(g * size, (g + 1) * size)
  return [[0, 1], [0, 2], [3, 1], [3, 2]].map(([first = 0, second = 0]) => [...group(first), ...group(second)])
}

const stateOf = async (url: string): Promise<{ readonly jobs: ReadonlyArray<Job>; readonly requests: Record<string, number> }> =>
  (await (await fetch(`${url}/_emulator/state`)).json()) as { jobs: ReadonlyArray<Job>; requests: Record<string, number> }

const rowsOf = (database: string, schema: string) =>
  Effect.runPromise(PgTest.withClient(database, (sql) =>
    sql.unsafe<Entry>(
      `SELECT id, instance_id, holder, state, lost_answer IS NOT NULL AS lost, job_id, candidates, body
       FROM ${schema}.dds_restore_submissions ORDER BY at, id`
    )).pipe(Effect.orDie))

interface Runner {
  readonly child: ChildProcess
  readonly ended: Promise<Ran>
}

const startRunner = (dir: string, k: number, list: ReadonlyArray<string>, endpoint: string, ledger: Redacted.Redacted<string>, options: Options): Runner => {
  const plan = path.join(dir, `plan-${k}.json`)
  writeFileSync(plan, JSON.stringify({
    restore_collections: [{ database: "shop", collections: [{ old_name: "orders", new_name: collectionOf(k), restore_collection_time: "now-2h" }] }]
  }))
  const instances = path.join(dir, `instances-${k}.txt`)
  writeFileSync(instances, `${list.join("\n")}\n`)
  const args = [
    bin, "restore", plan, "--instances", instances, "--concurrency", String(options.concurrency), "--rate", String(options.rate),
    "--reconcile-wait", "8s", "--endpoint", endpoint, "--json"
  ]
  const started = Date.now()
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: demoCredentials({ DDS_RESTORE_LEDGER: Redacted.value(ledger) }),
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const ended = new Promise<Ran>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code, signal) => {
      const millis = Date.now() - started
      if (signal !== null) return resolve({ code, signal, rows: [], millis, stderr })
      try {
        resolve({ code, signal, rows: (JSON.parse(stdout) as { results: ReadonlyArray<Row> }).results, millis, stderr })
      } catch {
        reject(new Error(`runner ${k} wrote no document (exit ${code}):\n${stdout}\n${stderr.slice(-4000)}`))
      }
    })
  })
  return { child, ended }
}

const pause = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** Runs a simulation to its end; every process it starts is stopped when it ends, also on failure. */
export const simulate = async (options: Options): Promise<Report> => {
  const { schema, url } = await Effect.runPromise(PgTest.freshSchema(options.database))
  const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-fleet-sim-"))
  const ids = DemoFixture.fleetInstanceIds({ count: options.instances, seed: options.fleetSeed })
  const lists = listsOf(ids).slice(0, options.runners)
  // Jobs outlast the batch, as real restores do (minutes to hours): an instance one runner
  // restored is still being restored when the other runner of its group reaches it.
  const emulator = await serve([
    "--instances", String(options.instances), "--fleet-seed", options.fleetSeed,
    "--faults", "drop-restore-answer=0.3,throttle=0.2", "--job-duration", "2h", "--visibility-delay", "1s"
  ])
  const runners: Array<Runner> = []
  try {
    const started = Date.now()
    lists.forEach((list, k) => runners.push(startRunner(dir, k, list, emulator.url, url, options)))
    const kill = options.kill
    const victim = kill === undefined ? undefined : runners[kill.runner]
    if (kill !== undefined && victim !== undefined) {
      // Killed once it is halfway (a runner submits about 50 of its 100 instances, the other runner
      // of each instance taking the rest) and has a submission in flight (journaled, its outcome not
      // settled), as the ledger shows: with --json a runner writes nothing until its document.
      const mine = `%"${collectionOf(kill.runner)}"%`
      let ripe = false
      let failure = "none"
      for (let tries = 0; tries < 3000 && !ripe && victim.child.exitCode === null; tries++) {
        // The ledger's tables exist once the first runner has migrated it.
        const [row] = await Effect.runPromise(PgTest.withClient(options.database, (sql) =>
          sql.unsafe<{ readonly journaled: string; readonly unsettled: string }>(
            `SELECT COUNT(*) AS journaled, COUNT(*) FILTER (WHERE state IN ('Intent', 'Sent')) AS unsettled
             FROM ${schema}.dds_restore_submissions WHERE body LIKE $1`,
            [mine]
          )).pipe(Effect.catchAll((error) => Effect.sync(() => (failure = String(error), [])))))
        ripe = Number(row?.journaled ?? 0) >= kill.afterSubmissions && Number(row?.unsettled ?? 0) > 0
        if (!ripe) await pause(50)
      }
      if (!ripe) {
        throw new Error(`runner ${kill.runner} ended, or never had ${kill.afterSubmissions} submissions with one in flight, so it was not killed (last read failure: ${failure})`)
      }
      victim.child.kill("SIGKILL")
    }
    const runs = await Promise.all(runners.map((r) => r.ended))
    const wallMillis = Date.now() - started
    let recovered: Report["recovered"]
    // Left by the killed runner, or by a runner that could not record an outcome (and said so).
    const left = (await rowsOf(options.database, schema)).filter(isUnsettled)
    if (left.length > 0) {
      // A killed runner's leases run out 30 s after their last renewal: recover waits that out.
      const result = await run(
        ["recover", "--endpoint", emulator.url, "--lease-wait", "45s", "--json"],
        demoCredentials({ DDS_RESTORE_LEDGER: Redacted.value(url) })
      )
      const parsed = JSON.parse(result.stdout) as { readonly recovered?: ReadonlyArray<{ readonly result: string }> }
      recovered = { code: result.code, results: (parsed.recovered ?? []).map((r) => r.result) }
    }
    const state = await stateOf(emulator.url)
    return {
      options,
      lists,
      runs,
      wallMillis,
      jobs: state.jobs,
      requests: Object.values(state.requests).reduce((sum, n) => sum + n, 0),
      entries: await rowsOf(options.database, schema),
      left,
      recovered
    }
  } finally {
    for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL")
    await emulator.stop()
  }
}

/** The runner whose plan a journal entry's body is (its collection `orders_rK`), if any. */
const isUnsettled = (entry: Entry) => entry.state === "Intent" || entry.state === "Sent"

/**
 * The submissions a runner's results say it left unsettled in the ledger: a restore whose outcome
 * it could not record (its answer lost, then the task list unreadable; or its job not recorded)
 * names its journal entry in its error's `unsettled`.
 */
export const saidUnsettled = (run: Ran): ReadonlyArray<string> =>
  run.rows.flatMap((row) => (row.error?.unsettled === undefined ? [] : [row.error.unsettled]))

const runnerOf = (entry: Entry, runners: number): number | undefined => {
  for (let k = 0; k < runners; k++) if (entry.body.includes(`"${collectionOf(k)}"`)) return k
  return undefined
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`)

/**
 * Why submissions were left unsettled (Intent or Sent; by default those still so after `recover`,
 * or give `left`): for each (at most 10), its instance, state
 * and holder, the runner whose plan it journaled, that runner's result for the instance, and that
 * runner's stderr lines that are not progress (at most 20, each clipped, those about the instance
 * or the ledger first). Empty when none was left.
 */
export const unsettledWhy = (report: Report, left: ReadonlyArray<Entry> = report.entries.filter(isUnsettled)): string => {
  const lines = left.slice(0, 10).flatMap((entry) => {
    const k = runnerOf(entry, report.runs.length)
    const run = k === undefined ? undefined : report.runs[k]
    const row = run?.rows.find((r) => r.instance_id === entry.instance_id)
    const result = row === undefined
      ? "no result row"
      : row.error === undefined
      ? `job ${row.job_id ?? "?"} (reconciled: ${String(row.reconciled)})`
      : `${row.error.tag}: ${clip(row.error.message, 1500)}`
    // Its lines about this instance or the ledger first (a lost answer is warned about on every
    // instance), then the others.
    const all = (run?.stderr ?? "").split("\n").filter((line) => line.trim() !== "" && !/^\d+\/\d+ /.test(line))
    const about = (line: string) => line.includes(entry.instance_id) || /lease|ledger|postgres|sql/i.test(line)
    const stderr = [...all.filter(about), ...all.filter((line) => !about(line))]
    return [
      `- submission ${entry.id} on ${entry.instance_id}: ${entry.state}${entry.lost ? " (answer lost)" : ""}, holder ${entry.holder}, ` +
      `runner ${k ?? "?"} (exit ${run === undefined ? "?" : String(run.signal ?? run.code)})`,
      `  its result: ${result}`,
      ...stderr.slice(0, 20).map((line) => `  stderr: ${clip(line, 400)}`),
      ...(stderr.length > 20 ? [`  stderr: ... ${stderr.length - 20} more lines`] : [])
    ]
  })
  return left.length === 0
    ? ""
    : [`${left.length} submission(s) left unsettled:`, ...lines, ...(left.length > 10 ? [`... and ${left.length - 10} more`] : [])].join("\n")
}

const count = (values: ReadonlyArray<string>): Record<string, number> =>
  Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]))

/** What the issue asks to count, from a report. */
export const figures = (report: Report) => {
  const { entries, jobs, lists, runs } = report
  const reported = runs.flatMap((r, k) => r.rows.flatMap((row) => (row.job_id === undefined ? [] : [{ ...row, job_id: row.job_id, runner: k }])))
  const byId = new Map(jobs.map((job) => [job.id, job]))
  const byInstance = new Map<string, Array<Job>>()
  for (const job of jobs) byInstance.set(job.instance_id, [...(byInstance.get(job.instance_id) ?? []), job])
  const overlap = (a: Job, b: Job) => a.created_at < (b.ended_at ?? Infinity) && b.created_at < (a.ended_at ?? Infinity)
  const reportedIds = new Set(reported.map((row) => row.job_id))
  const claimed = new Set(entries.flatMap((e) => (e.state === "Submitted" && e.job_id !== null ? [e.job_id] : [])))
  const lost = entries.filter((e) => e.lost)
  const instances = new Set(lists.flat())
  const allowed = runs.length * report.options.rate
  return {
    instances: instances.size,
    runner_items: lists.reduce((sum, list) => sum + list.length, 0),
    jobs_created: jobs.length,
    instances_restored: byInstance.size,
    instances_restored_twice: [...byInstance.values()].filter((list) => list.length > 1).length,
    instances_restored_twice_at_once: [...byInstance.values()].filter((list) =>
      list.some((a, i) => list.some((b, j) => i < j && overlap(a, b)))
    ).length,
    submissions_reported: reported.length,
    reconciled_reported: reported.filter((row) => row.reconciled === true).length,
    job_ids_reported_twice: reported.length - reportedIds.size,
    reported_ids_not_the_submissions_job: reported.filter((row) => {
      const job = byId.get(row.job_id)
      return job === undefined || job.instance_id !== row.instance_id || job.restores[0] !== `shop.${collectionOf(row.runner)}`
    }).length,
    jobs_not_reported: jobs.filter((job) => !reportedIds.has(job.id)).length,
    jobs_not_reported_nor_claimed: jobs.filter((job) => !reportedIds.has(job.id) && !claimed.has(job.id)).length,
    item_results: count(runs.flatMap((r) => r.rows.map((row) => row.error?.tag ?? "job"))),
    // The instances no runner restored, by what each of their runners reported.
    not_restored_because: count([...instances].filter((id) => !byInstance.has(id)).map((id) =>
      runs.flatMap((r) => r.rows.filter((row) => row.instance_id === id).map((row) => row.error?.tag ?? "job")).sort().join("+")
    )),
    lost_answers: lost.length,
    lost_answers_by_state: count(lost.map((e) => e.state)),
    unknown_without_candidates: entries.filter((e) => e.state === "Unknown" && (JSON.parse(e.candidates ?? "[]") as Array<string>).length === 0).length,
    unsettled_submissions: entries.filter(isUnsettled).length,
    exit_codes: runs.map((r) => r.signal ?? r.code),
    left_unsettled_by_runners: report.left.length,
    recovered: report.recovered === undefined ? undefined : { exit_code: report.recovered.code, results: count(report.recovered.results) },
    requests_sent: report.requests,
    requests_per_second_allowed: allowed,
    rate_bound_seconds: Math.round((report.requests / allowed) * 10) / 10,
    wall_seconds: Math.round(report.wallMillis / 100) / 10,
    runner_seconds: runs.map((r) => Math.round(r.millis / 100) / 10),
    wall_over_bound: Math.round((report.wallMillis / 1000 / (report.requests / allowed)) * 100) / 100
  }
}
