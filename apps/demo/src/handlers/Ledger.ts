/**
 * The work of `dds-restore ledger`: the ledger's leases and most recent submissions, as text or
 * JSON, and how a submission is shown, which `recover` shares.
 *
 * @since 0.2.0
 */
import { RestoreLedger } from "@dds-restore/client"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Failure from "../Failure.js"
import * as Global from "../Global.js"
import * as Output from "../Output.js"
import { printable } from "../Printable.js"
import * as Target from "../Target.js"

/**
 * The parsed options of `ledger`.
 *
 * @since 0.2.0
 */
export interface Input extends Global.Settings {
  readonly json: boolean
  readonly limit: number
}

const iso = (millis: number): string => new Date(millis).toISOString()

/**
 * One submission of the journal as the command line shows it in JSON.
 *
 * @since 0.2.0
 */
export const document = (entry: RestoreLedger.Entry): Record<string, unknown> => ({
  submission: entry.id,
  endpoint: entry.key.endpoint,
  project_id: entry.key.projectId,
  instance_id: entry.key.instanceId,
  holder: entry.holder,
  submitted_at: iso(entry.at),
  plan_sha256: entry.hash,
  state: entry.state,
  ...(entry.outcome?._tag === "Submitted" ? { job_id: entry.outcome.jobId, reconciled: entry.outcome.reconciled } : {}),
  ...(entry.outcome?._tag === "Refused" ? { refusal: entry.outcome.error } : {}),
  ...(entry.outcome?._tag === "Unknown" ? { candidates: entry.outcome.candidates, reason: entry.outcome.reason } : {}),
  ...(entry.lostAnswer === undefined ? {} : { lost_answer: entry.lostAnswer }),
  ...(entry.settledAt === undefined ? {} : { settled_at: iso(entry.settledAt) })
})

/**
 * What became of a submission, in words.
 *
 * @since 0.2.0
 */
export const outcomeText = (entry: RestoreLedger.Entry): string => {
  const outcome = entry.outcome
  if (outcome === undefined) return `unsettled (${entry.state}; dds-restore recover settles it)`
  switch (outcome._tag) {
    case "Submitted":
      return `job ${printable(outcome.jobId)}${outcome.reconciled ? " (its answer was lost; found in the task list)" : ""}`
    case "Refused":
      return `refused: ${printable(outcome.error)}`
    case "Unknown":
      return `outcome unknown: ${
        outcome.candidates.length === 0 ? "no candidate" : `one of ${outcome.candidates.map(printable).join(", ")}`
      } (${printable(outcome.reason)})`
    case "NotStarted":
      return "not started (no new restore task showed up; its plan is in the ledger, submit it again)"
  }
}

/**
 * One submission as a line of text: when, the instance, what became of it, and where and who.
 *
 * @since 0.2.0
 */
export const line = (entry: RestoreLedger.Entry): string =>
  `${iso(entry.at)}  ${printable(entry.key.instanceId)}  ${outcomeText(entry)}  ` +
  `[${printable(entry.key.endpoint)} project ${printable(entry.key.projectId)}, ${printable(entry.holder)}, submission ${printable(entry.id)}]`

/**
 * Where a lease is at `now`: `Held` until it runs out, `Expired` when its holder stopped renewing
 * it (it died, or stalled), `Released` when its holder gave it back.
 *
 * @since 0.2.0
 */
export const leaseState = (lease: RestoreLedger.Lease, now: number): "Held" | "Expired" | "Released" =>
  lease.expiresAt > now ? "Held" : lease.expiresAt === 0 ? "Released" : "Expired"

/**
 * A lease in JSON: `holder` and `token` are its last holder's; `expires_at` is null once released.
 *
 * @since 0.2.0
 */
export const leaseDocument = (lease: RestoreLedger.Lease, now: number): Record<string, unknown> => ({
  endpoint: lease.key.endpoint,
  project_id: lease.key.projectId,
  instance_id: lease.key.instanceId,
  state: leaseState(lease, now),
  holder: lease.holder,
  token: lease.token,
  expires_at: lease.expiresAt === 0 ? null : iso(lease.expiresAt)
})

/**
 * A lease as a line of text.
 *
 * @since 0.2.0
 */
export const leaseLine = (lease: RestoreLedger.Lease, now: number): string =>
  `${printable(lease.key.instanceId)}  ${
    {
      Held: `held by ${printable(lease.holder)} until ${iso(lease.expiresAt)} unless renewed`,
      Released: `free (released by ${printable(lease.holder)})`,
      Expired: `free (ran out at ${iso(lease.expiresAt)}, last held by ${printable(lease.holder)})`
    }[leaseState(lease, now)]
  }  token ${lease.token}  [${printable(lease.key.endpoint)} project ${printable(lease.key.projectId)}]`

const more = (left: number, what: string): ReadonlyArray<string> => left > 0 ? [`  and ${left} more ${what}`] : []

/**
 * Lists the ledger's leases and most recent submissions, at most `limit` of each.
 *
 * @since 0.2.0
 */
export const run = ({ json, limit, ...own }: Input) =>
  Effect.gen(function*() {
    const settings = yield* Global.settings(own)
    const { entries, leases, size } = yield* Effect.gen(function*() {
      const ledger = yield* RestoreLedger.RestoreLedger
      return { leases: yield* ledger.leases(limit), entries: yield* ledger.recent(limit), size: yield* ledger.size }
    }).pipe(Effect.provide(Target.ledgerLayer(settings)))
    const now = yield* Clock.currentTimeMillis
    const leasesLeft = Math.max(0, size.leases - leases.length)
    const submissionsLeft = Math.max(0, size.submissions - entries.length)
    if (json) {
      return yield* Output.json({
        leases: leases.map((lease) => leaseDocument(lease, now)),
        leases_not_listed: leasesLeft,
        submissions: entries.map(document),
        submissions_not_listed: submissionsLeft
      })
    }
    const lines = [
      leases.length === 0 ? "No lease: no submission was made through this ledger." : `Leases (${size.leases}, latest expiry first):`,
      ...leases.map((lease) => `  ${leaseLine(lease, now)}`),
      ...more(leasesLeft, "(--limit lists more)"),
      entries.length === 0 ? "No submission." : `Submissions (${size.submissions}, newest first):`,
      ...entries.map((entry) => `  ${line(entry)}`),
      ...more(submissionsLeft, "(--limit lists more)")
    ]
    for (const text of lines) yield* Output.line(text)
  }).pipe(Failure.report(json))
