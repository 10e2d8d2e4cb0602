/**
 * What every `RestoreClient` operation does around its work: its arguments checked before anything
 * is sent (`arguments.ts`), and all of it in one span, `RestoreClient.<operation>`, with the ids it
 * works on among the span's attributes.
 */
import * as Effect from "effect/Effect"
import type { InvalidArgument } from "../CallError.js"
import * as Arguments from "./arguments.js"

/** Runs an effect in the span of an operation. */
export const traced = (operation: string, attributes: Record<string, string>) =>
  Effect.withSpan(`RestoreClient.${operation}`, { attributes: { ...attributes, "dds.operation": operation } })

const attributeOf = { instanceId: "dds.instance_id", jobId: "dds.job_id" } as const

/** An operation on one instance or one job: its id checked first, all of it in one span. */
const onId = <A, E>(
  operation: string,
  argument: keyof typeof attributeOf,
  value: string,
  use: (id: string) => Effect.Effect<A, E>
): Effect.Effect<A, E | InvalidArgument> =>
  Effect.flatMap(Arguments.safeId(operation, argument, value), use).pipe(traced(operation, { [attributeOf[argument]]: value }))

/** An operation on one instance. */
export const onInstance = <A, E>(operation: string, instanceId: string, use: (id: string) => Effect.Effect<A, E>) =>
  onId(operation, "instanceId", instanceId, use)

/** An operation on one job. */
export const onJob = <A, E>(operation: string, jobId: string, use: (id: string) => Effect.Effect<A, E>) =>
  onId(operation, "jobId", jobId, use)
