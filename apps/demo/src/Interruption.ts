/**
 * What an interrupted command leaves behind, and how it says so: a command records the state it is
 * in (a restore being submitted, a job submitted and followed), and when SIGINT or SIGTERM ends the
 * run, that state is written on standard error (and as the one JSON document with `--json`), and
 * the command exits 130 (SIGINT) or 143 (SIGTERM), never 0.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Output from "./Output.js"

/**
 * Where a command is when it is interrupted.
 *
 * @since 0.1.0
 */
export type State =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Serving" }
  | { readonly _tag: "Submitting"; readonly instanceId: string }
  | { readonly _tag: "Submitted"; readonly instanceId: string; readonly jobId: string }

/**
 * The state of the run, kept for the interruption's report.
 *
 * @since 0.1.0
 */
export class Interruption extends Context.Tag("@dds-restore/demo/Interruption")<Interruption, Ref.Ref<State>>() {}

/**
 * A fresh state, `Idle`.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Interruption> = Layer.effect(Interruption, Ref.make<State>({ _tag: "Idle" }))

/**
 * Records where the command is (does nothing when no state is kept, as in the renderers' tests).
 *
 * @since 0.1.0
 */
export const enter = (state: State): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(Interruption), (ref) => (ref._tag === "Some" ? Ref.set(ref.value, state) : Effect.void))

/**
 * The signals that end a run, with their exit codes (128 + the signal's number).
 *
 * @since 0.1.0
 */
export const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const

/**
 * A signal that ends a run.
 *
 * @since 0.1.0
 */
export type Signal = keyof typeof exitCodes

const describe = (signal: Signal, state: State): string => {
  switch (state._tag) {
    case "Serving":
      return `stopped by ${signal}`
    case "Idle":
      return `interrupted by ${signal}: nothing was submitted`
    case "Submitting":
      return `interrupted by ${signal} while submitting a restore on instance ${state.instanceId}: it may or may not have started; ` +
        `look for it in the instance's restore tasks before submitting again`
    case "Submitted":
      return `interrupted by ${signal}: job ${state.jobId} on instance ${state.instanceId} was submitted and goes on without this command; ` +
        `follow it with: dds-restore job ${state.jobId} --wait`
  }
}

/**
 * Says what the interrupted run left (standard error; with `json`, also the one JSON document) and
 * gives the exit code of the signal.
 *
 * @since 0.1.0
 */
export const report = (signal: Signal, json: boolean): Effect.Effect<number, never, Output.Output> =>
  Effect.gen(function*() {
    const ref = yield* Effect.serviceOption(Interruption)
    const state: State = ref._tag === "Some" ? yield* Ref.get(ref.value) : { _tag: "Idle" }
    const message = describe(signal, state)
    // A server ends when it is told to: that is success.
    const code = state._tag === "Serving" ? 0 : exitCodes[signal]
    yield* Output.note(message)
    if (json && state._tag !== "Serving") {
      yield* Output.json({
        error: {
          tag: "Interrupted",
          message,
          exit_code: code,
          signal,
          state: state._tag,
          ...(state._tag === "Idle" ? {} : { instance_id: state.instanceId }),
          ...(state._tag === "Submitted" ? { job_id: state.jobId } : {})
        }
      })
    }
    return code
  })
