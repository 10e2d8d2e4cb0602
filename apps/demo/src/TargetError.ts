/**
 * Why the DDS service a command is to talk to cannot be used as configured, said plainly: each
 * problem names where the value was set (the option or the environment variable), shows the value
 * where that is safe (an endpoint never with its user name, password or query), and says what is
 * expected.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Schema from "effect/Schema"

/**
 * The endpoint, the region, the project or the credentials are configured in a way that cannot
 * work.
 *
 * @since 0.1.0
 */
export class TargetError extends Schema.TaggedError<TargetError>("@dds-restore/demo/TargetError")("TargetError", {
  /** Each problem, a sentence that starts with where the value was set. */
  problems: Schema.Array(Schema.String)
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The DDS service to use is not configured correctly. ${this.problems.join(" ")}`
  }
}

// The variables that an option of the command line stands for.
const optionOf: Readonly<Record<string, string>> = {
  HUAWEICLOUD_SDK_PROJECT_ID: "--project-id",
  HUAWEICLOUD_SDK_DDS_ENDPOINT: "--endpoint",
  HUAWEICLOUD_SDK_REGION: "--region"
}

const isMissingOnly = (error: ConfigError.ConfigError): boolean =>
  error._op === "MissingData" || ((error._op === "And" || error._op === "Or") && isMissingOnly(error.left) && isMissingOnly(error.right))

// Each problem, and whether it is a value missing rather than a value that cannot be used.
const problemsOf = (error: ConfigError.ConfigError): ReadonlyArray<readonly [missing: boolean, problem: string]> => {
  switch (error._op) {
    case "And":
      return [...problemsOf(error.left), ...problemsOf(error.right)]
    case "Or":
      // One way failed for want of a value, the other on a bad value: the bad value is the problem.
      if (isMissingOnly(error.left) !== isMissingOnly(error.right)) return problemsOf(isMissingOnly(error.left) ? error.right : error.left)
      return [...problemsOf(error.left), ...problemsOf(error.right)]
    case "MissingData": {
      const name = error.path.join(".")
      const option = optionOf[name]
      return [[true, option === undefined ? `${name} is not set.` : `Neither ${option} nor ${name} is set: set one of them.`]]
    }
    default:
      return [[false, `${error.path.length === 0 ? "The configuration" : error.path.join(".")}: ${error.message}`]]
  }
}

/**
 * The error for a `ConfigError` of the target's configuration, read with each option of the
 * command line under its own name (`--endpoint`), each variable under its name: the values that
 * cannot be used first, then the values missing, each said once.
 *
 * @since 0.2.0
 */
export const fromConfigError = (error: ConfigError.ConfigError): TargetError => {
  const problems = problemsOf(error)
  const said = (missing: boolean) => problems.filter(([isMissing]) => isMissing === missing).map(([, problem]) => problem)
  return new TargetError({ problems: [...new Set([...said(false), ...said(true)])] })
}
