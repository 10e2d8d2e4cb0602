/**
 * What every `RestoreClient` operation does around its work: its arguments checked before anything
 * is sent (`arguments.ts`), and all of it in one span, `RestoreClient.<operation>`, with the ids it
 * works on among the span's attributes; and the client whose own options are out of their bounds,
 * whose every operation is refused.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { InvalidArgument } from "../CallError.js"
import type { Service } from "../RestoreClient.js"
import * as Arguments from "./arguments.js"
import { clip } from "./segment.js"

/** Runs an effect in the span of an operation. */
export const traced = (operation: string, attributes: Record<string, string>) =>
  Effect.withSpan(`RestoreClient.${operation}`, { attributes: { ...attributes, "dds.operation": operation } })

const attributeOf = { instanceId: "dds.instance_id", jobId: "dds.job_id" } as const

/**
 * An operation on one instance or one job: its id checked first, all of it in one span, whose
 * attribute shows at most the id's first 64 characters (all of any id taken).
 */
const onId = <A, E>(
  operation: string,
  argument: keyof typeof attributeOf,
  value: string,
  use: (id: string) => Effect.Effect<A, E>
): Effect.Effect<A, E | InvalidArgument> =>
  Effect.flatMap(Arguments.safeId(operation, argument, value), use).pipe(traced(operation, { [attributeOf[argument]]: clip(value) }))

/** An operation on one instance. */
export const onInstance = <A, E>(operation: string, instanceId: string, use: (id: string) => Effect.Effect<A, E>) =>
  onId(operation, "instanceId", instanceId, use)

/** An operation on one job. */
export const onJob = <A, E>(operation: string, jobId: string, use: (id: string) => Effect.Effect<A, E>) =>
  onId(operation, "jobId", jobId, use)

/**
 * The client given options out of their bounds (`Arguments.clientOptions`): it is built all the
 * same, and each of its operations is refused with what is wrong, naming the operation, before
 * anything is sent.
 */
export const refusing = (problem: Arguments.OptionProblem): Service => {
  const refuse = (operation: string) => Effect.fail(new InvalidArgument({ operation, ...problem }))
  return {
    preflight: () => refuse("preflight"),
    restore: () => refuse("restore"),
    reconcile: () => refuse("reconcile"),
    recover: () => refuse("recover"),
    restoreMany: () => refuse("restoreMany"),
    restoreRequest: () => refuse("restoreRequest"),
    job: () => refuse("job"),
    waitForJob: () => refuse("waitForJob"),
    watchJob: () => Stream.fromEffect(refuse("watchJob")),
    restorableTimes: () => refuse("restorableTimes"),
    restorableDatabases: () => refuse("restorableDatabases"),
    restorableCollections: () => refuse("restorableCollections"),
    instance: () => refuse("instance"),
    backupPolicy: () => refuse("backupPolicy"),
    restoreTasks: () => refuse("restoreTasks")
  }
}
