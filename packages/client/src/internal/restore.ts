/**
 * A restore as `RestoreClient` runs it: the plan's rules across entries, its preflight, then its
 * submission under the instance's lease (`reconcile.ts`); and a batch of restores on many
 * instances, a few at a time, every request of the batch under one rate limit.
 */
import { RestorePlan } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Preflight from "../Preflight.js"
import type { Item, ItemResult, Service } from "../RestoreClient.js"
import * as Arguments from "./arguments.js"
import { onInstance, traced } from "./operation.js"
import * as PreflightRun from "./preflight.js"
import type { Reads } from "./reads.js"
import type { Submissions } from "./reconcile.js"
import * as Send from "./send.js"

/** The two ways to restore. */
export interface Restores {
  readonly restore: Service["restore"]
  readonly restoreMany: Service["restoreMany"]
}

/** Restores over the client's reads and submissions. */
export const make = (reads: Reads, submissions: Submissions): Restores => {
  const restore: Service["restore"] = (instanceId, plan, options = {}) =>
    onInstance("restore", instanceId, (id) =>
      Effect.gen(function*() {
        // A plan built in code skipped the rules across entries; a plan that breaks one is never sent.
        const checked = yield* RestorePlan.validate(plan)
        const leaseWait = options.leaseWait === undefined ? undefined : yield* Arguments.leaseWait("restore", options.leaseWait)
        const { preflight: check = true } = options
        // Refused before the lease is waited for, as every other argument is.
        const atOnce = check === false
          ? undefined
          : yield* Arguments.preflightConcurrency(check === true ? undefined : check.concurrency, "restore", "preflight.concurrency")
        // Under the instance's lease: another runner sharing the ledger cannot start a restore on
        // the instance between the preflight's look at it and this submission. Once it has, the
        // preflight sees the instance busy with its job (or the lease held: InstanceBusy), rather
        // than the service refusing the restore, or a lost answer to that refusal leaving the
        // outcome unknown.
        const preflight = atOnce === undefined ? undefined : Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const report = yield* PreflightRun.run(reads, id, checked, now, atOnce)
          if (!report.ok) return yield* new Preflight.PreflightFailed({ report })
        })
        return yield* submissions.submit(id, checked, { ...options, leaseWait }, preflight)
      }))

  const restoreMany: Service["restoreMany"] = (items, { concurrency, leaseWait = 0, onResult, requestsPerSecond, ...options }) =>
    Effect.gen(function*() {
      const atOnce = yield* Arguments.concurrency("restoreMany", concurrency)
      const rate = yield* Arguments.requestRate("restoreMany", requestsPerSecond)
      // Not waiting is the default of a batch: with runners sharing a ledger, an instance another
      // one is restoring is reported InstanceBusy at once, and the batch goes on with the others.
      const each = { ...options, leaseWait: yield* Arguments.leaseWait("restoreMany", leaseWait) }
      const restoreOne = ({ instanceId, plan }: Item) =>
        Effect.map(Effect.exit(restore(instanceId, plan, each)), (result): ItemResult => ({ instanceId, result })).pipe(
          Effect.tap((done) => onResult === undefined ? Effect.void : onResult(done))
        )
      // The requests of the restores started first go first at the pace: they finish in turn,
      // rather than all together at the end of the batch.
      return yield* Send.limited(
        rate,
        Effect.forEach(items, (item, index) => Effect.locally(restoreOne(item), Send.currentPriority, index), { concurrency: atOnce })
      )
    }).pipe(traced("restoreMany", { "dds.items": String(items.length) }))

  return { restore, restoreMany }
}
