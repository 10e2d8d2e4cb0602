// The promise of an SQLite ledger, kept by separate Node processes on one real file, as several
// `dds-restore` runs keep it: started together, they all finish, one lease holder at a time; a
// holder killed with SIGKILL loses the lease after its time to live; and a holder that stalled
// past its time to live cannot write once another took the lease over.
import { RestoreLedger } from "@dds-restore/client"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import { bundle, start, within } from "./processes/processes.js"

const scratch = mkdtempSync(path.join(tmpdir(), "dds-restore-ledger-processes-"))
let files = 0
const freshFile = () => path.join(scratch, `ledger-${++files}`, "ledger.db")
const key = (instanceId: string): RestoreLedger.InstanceKey => ({ endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId })

/** What a worker holding a lease says. */
interface Held {
  readonly lease: RestoreLedger.Lease
  readonly askedAt: number
  readonly acquiredAt: number
}

let worker = ""
beforeAll(async () => {
  worker = await bundle()
}, 60_000)

const journalOf = (filename: string, instanceId: string) =>
  Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.journal(key(instanceId), 0)).pipe(
    Effect.provide(LedgerSql.layerSqlite({ filename }))
  )

describe("an SQLite ledger file shared by separate processes", () => {
  it.scoped("processes started together on a new file all finish, each lease held by one of them at a time", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      const processes = 6
      const cycles = 5
      const workers = yield* Effect.forEach(
        Array.from({ length: processes }, (_, n) => `p${n}`),
        (holder) => start(worker, { mode: "cycles", cycles, filename, holder, instanceId: "rs0", ttl: 30_000, wait: 60_000 }),
        { concurrency: "unbounded" }
      )
      const exits = yield* within("90 seconds", "every process ending", Effect.forEach(workers, (w) => w.exit, { concurrency: "unbounded" }))
      expect(exits.map((exit) => [exit.code, exit.signal])).toStrictEqual(workers.map(() => [0, null]))

      const journal = yield* journalOf(filename, "rs0")
      expect(journal.length).toBe(processes * cycles)
      // Every lease had a token of its own, one more than the previous holder's: 1, 2, ... in the
      // order the submissions were made, and each was settled before the next one began.
      const byToken = journal.map((entry) => ({ ...entry, token: (JSON.parse(entry.body) as { readonly token: number }).token }))
        .sort((a, b) => a.token - b.token)
      expect(byToken.map((entry) => entry.token)).toStrictEqual(Array.from({ length: processes * cycles }, (_, n) => n + 1))
      for (const [n, entry] of byToken.entries()) {
        expect([entry.state, entry.outcome]).toStrictEqual([
          "Submitted",
          RestoreLedger.Outcome.Submitted({ jobId: `job-${entry.id}`, reconciled: false })
        ])
        const next = byToken[n + 1]
        if (next !== undefined) expect(next.at).toBeGreaterThanOrEqual(entry.settledAt ?? Infinity)
      }
    }), 120_000)

  it.scoped("a holder killed with SIGKILL loses the lease after its time to live, and a write under its token is refused", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      const ttl = 2_000
      const dead = yield* start(worker, { mode: "hold", filename, holder: "dead", instanceId: "rs1", ttl, wait: 0 })
      const held = (yield* within("30 seconds", "the first holder taking the lease", dead.next)) as Held
      dead.child.kill("SIGKILL")
      expect((yield* within("30 seconds", "the killed holder ending", dead.exit)).signal).toBe("SIGKILL")

      const next = yield* start(worker, { mode: "hold", filename, holder: "next", instanceId: "rs1", ttl: 30_000, wait: 30_000 })
      const taken = (yield* within("40 seconds", "the next process taking the lease", next.next)) as Held
      expect([taken.lease.holder, taken.lease.token]).toStrictEqual(["next", held.lease.token + 1])
      // Not before the dead holder's time to live ran out, and within a second of it (or of asking).
      expect(taken.acquiredAt).toBeGreaterThanOrEqual(held.lease.expiresAt)
      expect(taken.acquiredAt - Math.max(taken.askedAt, held.lease.expiresAt)).toBeLessThanOrEqual(1_000)

      // What the dead holder would have written, sent by another process under its token.
      const late = yield* start(worker, { mode: "settle", lease: held.lease, filename, holder: "late", instanceId: "rs1", ttl, wait: 0 })
      expect(yield* within("30 seconds", "the late write", late.next)).toStrictEqual({
        late: { _tag: "LeaseLost", instanceId: "rs1", token: held.lease.token, current: held.lease.token + 1 }
      })
      next.child.stdin?.write("settle\n")
      expect(yield* within("30 seconds", "the new holder's write", next.next)).toStrictEqual({ late: "written" })
      expect((yield* within("30 seconds", "the new holder ending", next.exit)).code).toBe(0)

      // The dead holder's submission stays an intent, for recovery; the new holder's is settled.
      const journal = yield* journalOf(filename, "rs1")
      expect(journal.map((entry) => [entry.id, entry.state])).toStrictEqual([["dead#held", "Intent"], ["next#held", "Submitted"]])
    }), 120_000)

  it.scoped("a holder that stalled past its time to live cannot write once another process took the lease over", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      const stalled = yield* start(worker, { mode: "hold", filename, holder: "stalled", instanceId: "rs2", ttl: 1_500, wait: 0 })
      const held = (yield* within("30 seconds", "the first holder taking the lease", stalled.next)) as Held
      const next = yield* start(worker, { mode: "hold", filename, holder: "next", instanceId: "rs2", ttl: 30_000, wait: 30_000 })
      const taken = (yield* within("40 seconds", "the next process taking the lease", next.next)) as Held
      expect(taken.lease.token).toBe(held.lease.token + 1)
      stalled.child.stdin?.write("settle\n")
      expect(yield* within("30 seconds", "the stalled holder's late write", stalled.next)).toStrictEqual({
        late: { _tag: "LeaseLost", instanceId: "rs2", token: held.lease.token, current: taken.lease.token }
      })
      expect((yield* within("30 seconds", "the stalled holder ending", stalled.exit)).code).toBe(0)
      next.child.stdin?.write("settle\n")
      expect(yield* within("30 seconds", "the new holder's write", next.next)).toStrictEqual({ late: "written" })
      const journal = yield* journalOf(filename, "rs2")
      expect(journal.map((entry) => [entry.id, entry.state, entry.outcome])).toStrictEqual([
        ["stalled#held", "Intent", undefined],
        ["next#held", "Submitted", RestoreLedger.Outcome.Submitted({ jobId: "job-next", reconciled: false })]
      ])
    }), 120_000)
})
