/**
 * What a restore would run into, found before it is sent: the instance (there, a replica set,
 * idle, incremental backup on), every time inside a restorable window, every database and
 * collection there at its time, every restored name free and short enough. One report lists every
 * problem at once, each with its path into the plan's wire body and what to do about it.
 *
 * @since 0.1.0
 */
import { PlanError } from "@dds-restore/domain"
import * as Schema from "effect/Schema"

/**
 * What kind of problem a preflight found.
 *
 * - `InstanceNotFound`: no such instance in this project and region.
 * - `NotReplicaSet`: the instance is sharded or single-node.
 * - `InstanceBusy`: its status is not `normal`, or an operation is running on it.
 * - `IncrementalBackupOff`: its backup policy has incremental backup off.
 * - `OutsideWindow`: a time is outside every restorable window.
 * - `NotExisting`: a database or a collection did not exist at its time.
 * - `NameTaken`: the name a collection would be restored under already exists.
 * - `NamespaceTooLong`: `<database>.<restored name>` would be over 120 bytes (UTF-8).
 * - `InvalidPlan`: the plan breaks one of its own rules (duplicates, name collisions, empty).
 *
 * @since 0.1.0
 */
export const ProblemKind = Schema.Literal(
  "InstanceNotFound",
  "NotReplicaSet",
  "InstanceBusy",
  "IncrementalBackupOff",
  "OutsideWindow",
  "NotExisting",
  "NameTaken",
  "NamespaceTooLong",
  "InvalidPlan"
)

/**
 * What kind of problem a preflight found.
 *
 * @since 0.1.0
 */
export type ProblemKind = typeof ProblemKind.Type

/**
 * One problem: its kind, where it is (a path into the plan's wire body, empty for the instance),
 * what is wrong and what to do.
 *
 * @since 0.1.0
 */
export const Problem = Schema.Struct({
  kind: ProblemKind,
  path: PlanError.Path,
  message: Schema.String,
  hint: Schema.String
}).annotations({ identifier: "Problem" })

/**
 * One problem a preflight found.
 *
 * @since 0.1.0
 */
export interface Problem extends Schema.Schema.Type<typeof Problem> {}

/**
 * Everything a preflight found about one plan on one instance; `ok` when there is no problem.
 *
 * @since 0.1.0
 */
export const PreflightReport = Schema.Struct({
  instanceId: Schema.String,
  ok: Schema.Boolean,
  problems: Schema.Array(Problem)
}).annotations({ identifier: "PreflightReport" })

/**
 * Everything a preflight found.
 *
 * @since 0.1.0
 */
export interface PreflightReport extends Schema.Schema.Type<typeof PreflightReport> {}

/**
 * A report from its problems.
 *
 * @since 0.1.0
 */
export const report = (instanceId: string, problems: ReadonlyArray<Problem>): PreflightReport => ({
  instanceId,
  ok: problems.length === 0,
  problems
})

/**
 * The options of a preflight: how many reads run at once (4 when not given; a whole number from 1
 * to `maxConcurrency`, anything else refused with `InvalidArgument` before anything is read).
 *
 * @since 0.1.0
 */
export interface Options {
  readonly concurrency?: number | undefined
}

/**
 * How many reads a preflight runs at once when not told.
 *
 * @since 0.1.0
 */
export const DEFAULT_CONCURRENCY = 4

/**
 * The most reads a preflight runs at once, 16: a plan's reads are a few per database, and more at
 * once only meet the service's rate limit sooner.
 *
 * @since 0.2.0
 */
export const maxConcurrency = 16

/**
 * One line of a report: `path: message. hint`.
 *
 * @since 0.1.0
 */
export const formatProblem = (problem: Problem): string =>
  `${problem.path.length === 0 ? "instance" : PlanError.formatPath(problem.path)}: ${problem.message}. ${problem.hint}`

/**
 * A restore was not sent because its preflight found problems; the report lists them all.
 *
 * @since 0.1.0
 */
export class PreflightFailed extends Schema.TaggedError<PreflightFailed>("@dds-restore/client/PreflightFailed")(
  "PreflightFailed",
  { report: PreflightReport }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const count = this.report.problems.length
    return `The restore on instance ${this.report.instanceId} was not sent: its preflight found ${count} problem${
      count === 1 ? "" : "s"
    }. Correct them and submit again:\n` +
      this.report.problems.map((problem) => `- ${formatProblem(problem)}`).join("\n")
  }
}
