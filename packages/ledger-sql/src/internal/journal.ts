// The ledger's rows as SQL returns them (numbers may come back as strings from PostgreSQL's
// BIGINT), and the journal entries they are read into.
import { RestoreLedger } from "@dds-restore/client"

/** A lease's row. */
export interface LeaseRow {
  readonly holder: string
  readonly token: number | string
  readonly expires_at: number | string
}

/** A submission's row. */
export interface SubmissionRow {
  readonly id: string
  readonly endpoint: string
  readonly project_id: string
  readonly instance_id: string
  readonly holder: string
  readonly at: number | string
  readonly body: string
  readonly hash: string
  readonly search_from: number | string
  readonly before_set: string
  readonly state: string
  readonly lost_answer: string | null
  readonly job_id: string | null
  readonly reconciled: number | string | null
  readonly refusal: string | null
  readonly candidates: string | null
  readonly unknown_reason: string | null
  readonly settled_at: number | string | null
}

const outcomeOf = (row: SubmissionRow): RestoreLedger.Outcome | undefined => {
  switch (row.state) {
    case "Submitted":
      return RestoreLedger.Outcome.Submitted({ jobId: row.job_id ?? "", reconciled: Number(row.reconciled) === 1 })
    case "Refused":
      return RestoreLedger.Outcome.Refused({ error: row.refusal ?? "" })
    case "Unknown":
      return RestoreLedger.Outcome.Unknown({
        candidates: JSON.parse(row.candidates ?? "[]") as ReadonlyArray<string>,
        reason: row.unknown_reason ?? ""
      })
    case "NotStarted":
      return RestoreLedger.Outcome.NotStarted()
    default:
      return undefined
  }
}

/** The journal entry of a submission's row. */
export const entryOf = (row: SubmissionRow): RestoreLedger.Entry => ({
  id: row.id,
  key: { endpoint: row.endpoint, projectId: row.project_id, instanceId: row.instance_id },
  holder: row.holder,
  at: Number(row.at),
  body: row.body,
  hash: row.hash,
  searchFrom: Number(row.search_from),
  before: JSON.parse(row.before_set) as ReadonlyArray<string>,
  state: row.state as RestoreLedger.State,
  lostAnswer: row.lost_answer ?? undefined,
  settledAt: row.settled_at === null ? undefined : Number(row.settled_at),
  outcome: outcomeOf(row)
})
