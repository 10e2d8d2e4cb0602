/**
 * How a command's work is loaded: only when that command runs. A command module defines the
 * command (its name, options, arguments and help), which parsing and `--help` need; its handler
 * module, imported dynamically from here, holds the work and everything the work needs (the client,
 * the HTTP stack, the emulator). In the bundled bin a dynamically imported module runs only when it
 * is imported, so `--help` and `validate` do not load what `restore` uses.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"

/**
 * What a handler module exports: the command's work over its parsed options and arguments.
 *
 * @since 0.1.0
 */
export interface Module<I, A, E, R> {
  readonly run: (input: I) => Effect.Effect<A, E, R>
}

/**
 * A command's handler that imports its module when the command runs, e.g.
 * `Command.make("plan", options, Handler.lazy(() => import("../handlers/Plan.js")))`.
 *
 * @since 0.1.0
 */
export const lazy = <I, A, E, R>(load: () => Promise<Module<I, A, E, R>>) => (input: I): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.promise(load), (module) => module.run(input))
