/**
 * Walks an offset/limit listing to its end, guarding against a service that never ends one (a
 * total that keeps growing, or empty pages before the total is reached).
 */
import * as Effect from "effect/Effect"
import { ResponseDecodeError } from "../CallError.js"
import type { Answer } from "./send.js"

/** The page size the listings accept at most. */
export const PAGE_SIZE = 100

/** More pages than this is a service that does not end its listing: 100,000 entries. */
export const MAX_PAGES = 1000

/** One page: its entries and the listing's total. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
}

/**
 * How many pages after the first are asked for at once: the first page says how long a page is and
 * how many entries there are, so the offsets of the next ones are known. Ten pages are read in four
 * round trips rather than ten, and, in a paced batch, a page throttled waits beside the others
 * rather than before them.
 */
export const PAGES_AT_ONCE = 4

/**
 * Every entry of a listing: its first page, then the pages after it `PAGES_AT_ONCE` at a time, each
 * at the offset where the entries before it end, until the total is reached. A page shorter than
 * the first before the end (a listing that changed meanwhile) leaves the pages asked for after it
 * misplaced: they are dropped and asked for again from where the entries end.
 */
export const walk = <A, E>(
  operation: string,
  fetch: (offset: number, limit: number) => Effect.Effect<Answer<Page<A>>, E>
): Effect.Effect<ReadonlyArray<A>, E | ResponseDecodeError> =>
  Effect.gen(function*() {
    const items: Array<A> = []
    let pages = 0
    let total = 0
    let pageLength = 0
    for (;;) {
      const count = pages === 0
        ? 1
        : Math.max(1, Math.min(PAGES_AT_ONCE, Math.ceil((total - items.length) / pageLength), MAX_PAGES - pages))
      const offsets = Array.from({ length: count }, (_, k) => items.length + k * pageLength)
      const answers = yield* Effect.forEach(offsets, (offset) => fetch(offset, PAGE_SIZE), { concurrency: "unbounded" })
      for (const [k, answer] of answers.entries()) {
        if (offsets[k] !== items.length) break
        items.push(...answer.value.items)
        pages++
        total = answer.value.total
        if (pages === 1) pageLength = answer.value.items.length
        if (items.length >= total) return items
        const stuck = answer.value.items.length === 0
        if (stuck || pages >= MAX_PAGES) {
          return yield* new ResponseDecodeError({
            status: answer.status,
            operation,
            issue: stuck
              ? `total_count says ${total} but the page at offset ${items.length} is empty`
              : `the listing did not end after ${MAX_PAGES} pages (total_count ${total})`,
            ...(answer.requestId === undefined ? {} : { requestId: answer.requestId })
          })
        }
      }
    }
  })
