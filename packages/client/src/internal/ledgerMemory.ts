/**
 * The ledger in one process's memory (`RestoreLedger.makeMemory`, `layerMemory`, the default of
 * `RestoreClient.layer()`): leases, the journal and claimed job ids in maps, gone when it ends. It
 * reads the public module's tag and errors only when run, never while modules are loaded, so the
 * two import each other safely.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as RestoreLedger from "../RestoreLedger.js"

interface MemoryLease {
  key: RestoreLedger.InstanceKey
  holder: string
  token: number
  expiresAt: number
}

// Whether a key is within a scope: every key, a service's (endpoint and project), or one instance's.
const inScope = (key: RestoreLedger.InstanceKey, scope: RestoreLedger.ServiceKey | RestoreLedger.InstanceKey | undefined): boolean =>
  scope === undefined ||
  (key.endpoint === scope.endpoint && key.projectId === scope.projectId && (!("instanceId" in scope) || key.instanceId === scope.instanceId))

/** A ledger in this process's memory: what one process's submissions share, gone when it ends. */
export const make: Effect.Effect<RestoreLedger.Service> = Effect.sync(() => {
  const leases = new Map<string, MemoryLease>()
  const waiters = new Map<string, Array<Deferred.Deferred<void>>>()
  const journal = new Map<string, RestoreLedger.Entry>()
  const claimed = new Map<string, string>()
  const claimKey = (service: RestoreLedger.ServiceKey, jobId: string) => `${service.endpoint} ${service.projectId} ${jobId}`

  // Waiters queue per instance, first come first served: a release wakes the first one only (not
  // all of them, which costs a round of every waiter per release), and a waiter that was woken
  // but leaves without the lease passes the turn on.
  const wakeNext = (key: string) =>
    Effect.suspend(() => {
      const next = waiters.get(key)?.shift()
      return next === undefined ? Effect.void : Deferred.succeed(next, undefined)
    })

  const fenced = <A>(lease: RestoreLedger.Lease, write: (now: number) => A): Effect.Effect<A, RestoreLedger.LeaseLost> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const current = leases.get(RestoreLedger.keyString(lease.key))
      if (current === undefined || current.token !== lease.token) {
        return Effect.fail(
          new RestoreLedger.LeaseLost({
            instanceId: lease.key.instanceId,
            token: lease.token,
            ...(current === undefined ? {} : { current: current.token })
          })
        )
      }
      return Effect.sync(() => write(now))
    })

  const update = (lease: RestoreLedger.Lease, id: string, change: (entry: RestoreLedger.Entry, now: number) => RestoreLedger.Entry) =>
    fenced(lease, (now) => {
      const entry = journal.get(id)
      if (entry !== undefined) journal.set(id, change(entry, now))
    })

  const acquire: RestoreLedger.Service["acquire"] = (key, options) =>
    Effect.gen(function*() {
      const id = RestoreLedger.keyString(key)
      const ttl = Duration.toMillis(options.ttl)
      const started = yield* Clock.currentTimeMillis
      const deadline = started + Duration.toMillis(options.wait)
      for (;;) {
        // Queued before the lease is looked at, so that a release in between still wakes it.
        const turn = yield* Deferred.make<void>()
        const queue = waiters.get(id) ?? []
        queue.push(turn)
        waiters.set(id, queue)
        const leave = Effect.flatMap(Deferred.isDone(turn), (woken) =>
          woken ? wakeNext(id) : Effect.sync(() => queue.splice(queue.indexOf(turn), 1)))
        const now = yield* Clock.currentTimeMillis
        const current = leases.get(id)
        if (current === undefined || current.expiresAt <= now) {
          // Its turn is spent: the release that woke it, if any, is the one it takes.
          yield* Effect.sync(() => queue.includes(turn) && queue.splice(queue.indexOf(turn), 1))
          const token = (current?.token ?? 0) + 1
          leases.set(id, { key, holder: options.holder, token, expiresAt: now + ttl })
          return { key, holder: options.holder, token, expiresAt: now + ttl }
        }
        if (now >= deadline) {
          yield* leave
          return yield* new RestoreLedger.InstanceBusy({
            instanceId: key.instanceId,
            holder: current.holder,
            expiresAt: current.expiresAt,
            waited: now - started
          })
        }
        // Woken when the lease is given back, else when it runs out or the wait is over. The wait
        // is interruptible even when the caller is not (`Effect.acquireRelease` acquires
        // uninterruptibly): an uninterruptible await outlives its timeout, and the lease's expiry
        // or the end of the wait would never be seen. Nothing is held while waiting.
        const woken = yield* Deferred.await(turn).pipe(
          Effect.timeoutOption(Duration.millis(Math.min(current.expiresAt, deadline) - now)),
          Effect.interruptible,
          Effect.onInterrupt(() => leave)
        )
        if (woken._tag === "None") yield* leave
      }
    })

  return RestoreLedger.RestoreLedger.of({
    acquire,
    renew: (lease, ttl) =>
      fenced(lease, (now) => {
        const expiresAt = now + Duration.toMillis(ttl)
        leases.set(RestoreLedger.keyString(lease.key), { key: lease.key, holder: lease.holder, token: lease.token, expiresAt })
        return { ...lease, expiresAt }
      }),
    release: (lease) =>
      Effect.suspend(() => {
        const id = RestoreLedger.keyString(lease.key)
        const current = leases.get(id)
        if (current === undefined || current.token !== lease.token) return Effect.void
        leases.set(id, { ...current, expiresAt: 0 })
        return wakeNext(id)
      }),
    record: (lease, intent) =>
      fenced(lease, () => {
        journal.set(intent.id, { ...intent, state: "Intent", lostAnswer: undefined, settledAt: undefined, outcome: undefined })
      }),
    markSent: (lease, id, lostAnswer) => update(lease, id, (entry) => ({ ...entry, state: "Sent", lostAnswer })),
    settle: (lease, id, outcome) =>
      Effect.flatten(fenced(lease, (now): Effect.Effect<void, RestoreLedger.JobClaimed> => {
        if (outcome._tag === "Submitted") {
          const claim = claimKey(lease.key, outcome.jobId)
          const holder = claimed.get(claim)
          if (holder !== undefined && holder !== id) {
            return Effect.fail(new RestoreLedger.JobClaimed({ jobId: outcome.jobId, submission: holder }))
          }
          claimed.set(claim, id)
        }
        const entry = journal.get(id)
        if (entry !== undefined) journal.set(id, { ...entry, state: outcome._tag, outcome, settledAt: now })
        return Effect.void
      })),
    claims: (service, jobIds) =>
      Effect.sync(() => {
        const found = new Map<string, string>()
        for (const jobId of jobIds) {
          const holder = claimed.get(claimKey(service, jobId))
          if (holder !== undefined) found.set(jobId, holder)
        }
        return found
      }),
    unsettled: (scope, page) =>
      Effect.sync(() => {
        const after = page?.after
        return [...journal.values()].filter((entry) =>
          RestoreLedger.isUnsettled(entry) && inScope(entry.key, scope) &&
          (after === undefined || entry.at > after.at || (entry.at === after.at && entry.id > after.id))
        ).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, RestoreLedger.pageSize(page))
      }),
    journal: (key, since) =>
      Effect.sync(() =>
        [...journal.values()].filter((entry) => RestoreLedger.keyString(entry.key) === RestoreLedger.keyString(key) && entry.at >= since)
          .sort((a, b) => a.at - b.at)
      ),
    recent: (limit) => Effect.sync(() => [...journal.values()].reverse().slice(0, Math.max(0, limit))),
    leases: (limit) =>
      Effect.sync(() =>
        [...leases.values()]
          .map((lease): RestoreLedger.Lease => ({ key: lease.key, holder: lease.holder, token: lease.token, expiresAt: lease.expiresAt }))
          .sort((a, b) => b.expiresAt - a.expiresAt || RestoreLedger.keyString(a.key).localeCompare(RestoreLedger.keyString(b.key)))
          .slice(0, Math.max(0, Math.floor(limit)))
      ),
    size: Effect.sync(() => ({ leases: leases.size, submissions: journal.size }))
  })
})

