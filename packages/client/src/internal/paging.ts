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

/** Every entry of a listing, fetching the page at each offset until the total is reached. */
export const walk = <A, E>(
  operation: string,
  fetch: (offset: number, limit: number) => Effect.Effect<Answer<Page<A>>, E>
): Effect.Effect<ReadonlyArray<A>, E | ResponseDecodeError> =>
  Effect.gen(function*() {
    const items: Array<A> = []
    for (let page = 0; ; page++) {
      const answer = yield* fetch(items.length, PAGE_SIZE)
      items.push(...answer.value.items)
      if (items.length >= answer.value.total) return items
      const stuck = answer.value.items.length === 0
      if (stuck || page + 1 >= MAX_PAGES) {
        return yield* new ResponseDecodeError({
          status: answer.status,
          operation,
          issue: stuck
            ? `total_count says ${answer.value.total} but the page at offset ${items.length} is empty`
            : `the listing did not end after ${MAX_PAGES} pages (total_count ${answer.value.total})`,
          ...(answer.requestId === undefined ? {} : { requestId: answer.requestId })
        })
      }
    }
  })
