// The ledger's rows as SQL returns them (numbers may come back as strings from PostgreSQL's
// BIGINT), the journal entries they are read into, and the read of the unsettled ones.
import { RestoreLedger } from "@dds-restore/client"
import type * as SqlClient from "@effect/sql/SqlClient"

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

/**
 * The read of a page of unsettled submissions (`RestoreLedger.Service["unsettled"]`): of every
 * service, of one (`ServiceKey`) or of one instance (`InstanceKey`), oldest first (`at`, then
 * `id`), after `page.after`, at most `pageSize(page)`. The states are written out, not bound, so
 * that both databases see the condition of the partial index of unsettled submissions (migration
 * 2) in it, and read the page from that index, in its order.
 */
export const unsettledQuery = (
  sql: SqlClient.SqlClient,
  scope: RestoreLedger.ServiceKey | RestoreLedger.InstanceKey | undefined,
  page: RestoreLedger.UnsettledPage | undefined
) => {
  const where = [sql`state IN ('Intent', 'Sent')`]
  if (scope !== undefined) where.push(sql`endpoint = ${scope.endpoint}`, sql`project_id = ${scope.projectId}`)
  if (scope !== undefined && "instanceId" in scope) where.push(sql`instance_id = ${scope.instanceId}`)
  const after = page?.after
  // `at >=` first: the start of the index's range (neither database makes one of the OR alone).
  if (after !== undefined) where.push(sql`at >= ${after.at}`, sql`(at > ${after.at} OR (at = ${after.at} AND id > ${after.id}))`)
  return sql<SubmissionRow>`SELECT * FROM dds_restore_submissions WHERE ${sql.and(where)}
    ORDER BY at, id LIMIT ${RestoreLedger.pageSize(page)}`
}
