/**
 * Settings made of durations, from their defaults and the options a caller gave: `JobWatch`,
 * `Reconcile` and `RetryPolicy` resolve their options this one way.
 */
import * as Duration from "effect/Duration"

/** `defaults`, with each duration the options give decoded in its place. */
export const resolve = <K extends string>(
  defaults: { readonly [key in K]: Duration.Duration },
  options: NoInfer<{ readonly [key in K]?: Duration.DurationInput | undefined }>
): { [key in K]: Duration.Duration } => {
  const settings: { [key in K]: Duration.Duration } = { ...defaults }
  for (const key of Object.keys(defaults) as Array<K>) {
    const given = options[key]
    if (given !== undefined) settings[key] = Duration.decode(given)
  }
  return settings
}
