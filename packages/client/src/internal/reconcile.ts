/**
 * Submitting restores and settling the ones whose answer was lost. The restore POST is not
 * idempotent, so a lost answer is never settled by resending blindly: the task list is searched for
 * the job the service may have started, and a job id once handed out is never handed out again.
 */
import { RestorePlan, Wire } from "@dds-restore/domain"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { DdsConfig } from "../DdsConfig.js"
import type { DdsRequest } from "../DdsRequest.js"
import type { InvalidArgument } from "../InvalidArgument.js"
import * as Reconcile from "../Reconcile.js"
import type { CallError, RestoreOptions, Submission } from "../RestoreClient.js"
import { submissionTime, taskSpan } from "./arguments.js"
import type { Reads } from "./reads.js"
import type { Call, Sender } from "./send.js"

/** Submissions to the instances of one client. */
export interface Submissions {
  /** The restore POST of a plan (already checked), before it is signed: what `submit` sends. */
  readonly request: (instanceId: string, plan: RestorePlan.RestorePlan) => DdsRequest
  /** Submits a restore plan (already checked) and gives its job, settling a lost answer. */
  readonly submit: (
    instanceId: string,
    plan: RestorePlan.RestorePlan,
    options: RestoreOptions
  ) => Effect.Effect<Submission, CallError | Reconcile.RestoreOutcomeUnknown>
  /** Looks for the job of a submission made at `submittedAt` whose answer was lost. */
  readonly reconcile: (
    instanceId: string,
    submittedAt: Date | number,
    options: Reconcile.Options | undefined
  ) => Effect.Effect<Submission, Reconcile.RestoreOutcomeUnknown | InvalidArgument>
}

type Lookup =
  | { readonly _tag: "Found"; readonly jobId: string }
  | { readonly _tag: "Absent"; readonly searchedFrom: number }
  | { readonly _tag: "Unreadable"; readonly searchedFrom: number; readonly failure: CallError | InvalidArgument }

const outcomeUnknown = (
  id: string,
  submittedAt: number,
  found: Exclude<Lookup, { readonly _tag: "Found" }>,
  error: Reconcile.RestoreOutcomeUnknown["error"]
) =>
  new Reconcile.RestoreOutcomeUnknown({
    instanceId: id,
    submittedAt,
    searchedFrom: found.searchedFrom,
    ...(error === undefined ? {} : { error }),
    ...(found._tag === "Unreadable" ? { lookupFailure: found.failure.message } : {})
  })

/** The submissions of one client, over its sender and reads. */
export const make = (sender: Sender, reads: Reads, config: DdsConfig["Type"]): Submissions => {
  const restoreCall = (instanceId: string, plan: RestorePlan.RestorePlan): Call => ({
    operation: "restore",
    method: "POST",
    path: ["v3", config.projectId, "instances", instanceId, "restore", "collections"],
    body: JSON.stringify(RestorePlan.encode(plan)),
    idempotent: false
  })

  // Two restores of one instance look alike in the task list, so each instance's submissions
  // (and their reconciliation) go one at a time, and a job id once handed out is never handed
  // out again: every caller holds its own job.
  const locks = new Map<string, Effect.Semaphore>()
  const lockOf = (id: string) =>
    Effect.sync(() => {
      const existing = locks.get(id)
      if (existing !== undefined) return existing
      const created = Effect.unsafeMakeSemaphore(1)
      locks.set(id, created)
      return created
    })
  const locked = <A, E>(id: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.flatMap(lockOf(id), (lock) => lock.withPermits(1)(effect))
  const claimed = new Set<string>()
  const claim = (jobId: string, reconciled: boolean): Effect.Effect<Submission> =>
    Effect.sync(() => {
      claimed.add(jobId)
      return { jobId, reconciled }
    })

  // Reads the task list until an unclaimed restore task of the instance created since just
  // before the submission shows up, or the wait is over. Runs under the instance's lock.
  const lookup = (id: string, submittedAt: number, settings: Reconcile.Settings): Effect.Effect<Lookup> =>
    Effect.gen(function*() {
      const margin = Duration.toMillis(settings.clockSkewMargin)
      const searchedFrom = submittedAt - margin
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(settings.wait)
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        const isUnclaimed = (task: Wire.Task) => !claimed.has(task.id)
        // The listing is read only as far as the first unclaimed task of the instance: in a list
        // that puts the newest first (as FakeDds's does), the one just created is on page one.
        const tasks = yield* Effect.either(
          Effect.flatMap(
            taskSpan("reconcile", searchedFrom, now + margin),
            ([start, end]) => reads.tasks(id, start, end, isUnclaimed)
          )
        )
        if (Either.isRight(tasks)) {
          const found = tasks.right.find(isUnclaimed)
          if (found !== undefined) return { _tag: "Found", jobId: found.id } as const
        }
        const left = deadline - (yield* Clock.currentTimeMillis)
        if (left <= 0) {
          return Either.isRight(tasks)
            ? { _tag: "Absent", searchedFrom } as const
            : { _tag: "Unreadable", searchedFrom, failure: tasks.left } as const
        }
        yield* Effect.sleep(Duration.millis(Math.min(Duration.toMillis(settings.interval), left)))
      }
    })

  const reconcile: Submissions["reconcile"] = (id, submittedAt, options) =>
    Effect.gen(function*() {
      const settings = Reconcile.settings(options)
      const margin = Duration.toMillis(settings.clockSkewMargin)
      // Refused before any read: an instant the task list cannot be searched from.
      const at = yield* submissionTime("reconcile", submittedAt, yield* Clock.currentTimeMillis, margin)
      return yield* locked(
        id,
        Effect.flatMap(lookup(id, at, settings), (found) =>
          found._tag === "Found" ? claim(found.jobId, true) : Effect.fail(outcomeUnknown(id, at, found, undefined)))
      )
    })

  const submit: Submissions["submit"] = (id, plan, options) =>
    locked(
      id,
      Effect.gen(function*() {
        const settings = Reconcile.settings(options.reconcile)
        const call = restoreCall(id, plan)
        let resends = options.resubmitIfAbsent === true ? 1 : 0
        for (;;) {
          const submittedAt = yield* Clock.currentTimeMillis
          const sent = yield* Effect.either(sender.send(call, Wire.RestoreResponse))
          if (Either.isRight(sent)) return yield* claim(sent.right.value.job_id, false)
          const error = sent.left
          if (!Reconcile.isAnswerLost(error)) return yield* Effect.fail(error)
          yield* Effect.logWarning(`The answer to a restore on instance ${id} was lost; looking for its job in the task list`)
          const found = yield* lookup(id, submittedAt, settings)
          if (found._tag === "Found") return yield* claim(found.jobId, true)
          // Only a task list read to the end of the wait shows that the service started nothing.
          if (found._tag === "Absent" && resends > 0) {
            resends--
            continue
          }
          return yield* outcomeUnknown(id, submittedAt, found, error)
        }
      })
    )

  return { request: (id, plan) => sender.request(restoreCall(id, plan)), submit, reconcile }
}
