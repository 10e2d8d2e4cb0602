// One process using an SQLite ledger file, as a `dds-restore` run does: bundled by processes.ts
// and started with `node worker.cjs '<json task>'`. It prints one JSON object per line on stdout
// (what it did, with the tokens and times of its leases) and exits 0, or prints {"error": ...}
// and exits 1 when the ledger refused it.
import { RestoreLedger } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import { createInterface } from "node:readline"
import { LedgerSql } from "../../src/index.js"

export type Task =
  /** Takes the lease, journals, settles and releases, `cycles` times in a row. */
  | { readonly mode: "cycles"; readonly cycles: number }
  /** Takes the lease and journals an intent, says so, then waits for a line on stdin and settles it (late, perhaps). */
  | { readonly mode: "hold" }
  /** Writes under a lease given to it (another process's, maybe dead): settles that lease's intent. */
  | { readonly mode: "settle"; readonly lease: RestoreLedger.Lease }
  /** For each line read, an instance id: takes its lease, journals, settles, releases, and says so (the benchmark). */
  | { readonly mode: "serve" }

export type Args = Task & {
  readonly filename: string
  readonly holder: string
  readonly instanceId: string
  readonly ttl: number
  readonly wait: number
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args
const key: RestoreLedger.InstanceKey = { endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId: args.instanceId }
const say = (line: object) => Effect.sync(() => console.log(JSON.stringify(line)))

const intentOf = (lease: RestoreLedger.Lease, id: string): RestoreLedger.Intent => ({
  id,
  key: lease.key,
  holder: args.holder,
  at: Date.now(),
  body: JSON.stringify({ token: lease.token }),
  hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  searchFrom: 0,
  before: []
})

const takeOf = (key: RestoreLedger.InstanceKey) =>
  Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.acquire(key, { holder: args.holder, ttl: args.ttl, wait: args.wait }))
const take = takeOf(key)

const nextLine = Effect.async<string>((resume) => {
  const lines = createInterface({ input: process.stdin })
  lines.once("line", (line) => {
    lines.close()
    resume(Effect.succeed(line))
  })
})

const program = Effect.gen(function*() {
  const ledger = yield* RestoreLedger.RestoreLedger
  switch (args.mode) {
    case "cycles": {
      for (let cycle = 0; cycle < args.cycles; cycle++) {
        const lease = yield* take
        const acquiredAt = Date.now()
        const id = `${args.holder}#${cycle}`
        yield* ledger.record(lease, intentOf(lease, id))
        yield* ledger.settle(lease, id, RestoreLedger.Outcome.Submitted({ jobId: `job-${id}`, reconciled: false }))
        yield* ledger.release(lease)
        yield* say({ cycle, token: lease.token, acquiredAt })
      }
      return yield* say({ done: true })
    }
    case "hold": {
      const askedAt = Date.now()
      const lease = yield* take
      const acquiredAt = Date.now()
      yield* ledger.record(lease, intentOf(lease, `${args.holder}#held`))
      yield* say({ lease, askedAt, acquiredAt })
      yield* nextLine
      const late = yield* Effect.either(
        ledger.settle(lease, `${args.holder}#held`, RestoreLedger.Outcome.Submitted({ jobId: `job-${args.holder}`, reconciled: false }))
      )
      return yield* say({ late: late._tag === "Right" ? "written" : late.left })
    }
    case "serve": {
      const requests = yield* Queue.unbounded<string | null>()
      const lines = createInterface({ input: process.stdin })
      lines.on("line", (line) => Queue.unsafeOffer(requests, line))
      lines.on("close", () => Queue.unsafeOffer(requests, null))
      for (;;) {
        const instanceId = yield* Queue.take(requests)
        if (instanceId === null) return
        const lease = yield* takeOf({ ...key, instanceId })
        const id = `${args.holder}#${instanceId}`
        yield* ledger.record(lease, intentOf(lease, id))
        yield* ledger.settle(lease, id, RestoreLedger.Outcome.Submitted({ jobId: `job-${id}`, reconciled: false }))
        yield* ledger.release(lease)
        yield* say({ done: instanceId, token: lease.token })
      }
    }
    case "settle": {
      const late = yield* Effect.either(
        ledger.settle(args.lease, `${args.lease.holder}#held`, RestoreLedger.Outcome.Submitted({ jobId: `job-${args.holder}`, reconciled: false }))
      )
      return yield* say({ late: late._tag === "Right" ? "written" : late.left })
    }
  }
})

Effect.runPromiseExit(program.pipe(Effect.provide(LedgerSql.layerSqlite({ filename: args.filename })))).then((exit) => {
  if (exit._tag === "Failure") {
    console.log(JSON.stringify({ error: String(exit.cause) }))
    process.exitCode = 1
  }
  // Done: stdin (hold mode) must not keep the process alive.
  process.stdin.destroy()
})
