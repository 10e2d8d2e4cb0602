/**
 * The unsettled submissions of the ledger, read a page at a time (`RestoreLedger.unsettledLimit`
 * at most per read), oldest first: never the whole journal at once, however long it grows.
 */
import * as Effect from "effect/Effect"
import * as RestoreLedger from "../RestoreLedger.js"

// The next page starts after the last entry of this one, which is past where this one started: a
// ledger whose pages do not move on (one that ignores `after`) is refused, never read forever.
const next = (after: RestoreLedger.Position | undefined, last: RestoreLedger.Entry) =>
  after === undefined || last.at > after.at || (last.at === after.at && last.id > after.id)
    ? Effect.succeed<RestoreLedger.Position>({ at: last.at, id: last.id })
    : Effect.fail(
      new RestoreLedger.LedgerError({
        ledger: "given to this client",
        reason: "Failed",
        detail: `a page of unsettled submissions read after ${after.at}/${after.id.slice(0, 64)} ended at ${last.at}/${last.id.slice(0, 64)}, ` +
          "not past where it started: the ledger does not read pages in order (RestoreLedger.Service.unsettled), so they are not read again"
      })
    )

/**
 * Runs `settle` on every unsettled submission of a service (`concurrency` at a time), oldest first,
 * and gives their results in that order. Each page is settled (or left, saying why) before the
 * next is read after its last, so every one is read once, one left unsettled is not read again,
 * and the reading ends with the first page that is not full.
 */
export const forEach = <A, E>(
  ledger: RestoreLedger.Service,
  service: RestoreLedger.ServiceKey,
  settle: (entry: RestoreLedger.Entry) => Effect.Effect<A, E>,
  concurrency: number
): Effect.Effect<ReadonlyArray<A>, E | RestoreLedger.LedgerError> =>
  Effect.gen(function*() {
    const results: Array<A> = []
    let after: RestoreLedger.Position | undefined
    for (;;) {
      const page = yield* ledger.unsettled(service, { after })
      results.push(...yield* Effect.forEach(page, settle, { concurrency }))
      const last = page[page.length - 1]
      if (last === undefined || page.length < RestoreLedger.pageSize()) return results
      after = yield* next(after, last)
    }
  })

/**
 * Whether a submission is still unsettled (another process may have settled it): the unsettled
 * ones of its instance from its instant on, a page at a time, until it or a later instant shows up.
 */
export const still = (ledger: RestoreLedger.Service, entry: RestoreLedger.Entry): Effect.Effect<boolean, RestoreLedger.LedgerError> =>
  Effect.gen(function*() {
    // Every id is after the empty one: the first page starts with the submissions of its instant.
    let after: RestoreLedger.Position = { at: entry.at, id: "" }
    for (;;) {
      const page = yield* ledger.unsettled(entry.key, { after })
      if (page.some((unsettled) => unsettled.id === entry.id)) return true
      const last = page[page.length - 1]
      if (last === undefined || last.at > entry.at || page.length < RestoreLedger.pageSize()) return false
      after = yield* next(after, last)
    }
  })
