/**
 * Reading an instances file (`restore --instances FILE`): one instance id a line (as `IdArgument`
 * checks it, at most 64 characters), blank lines and lines starting with `#` left out, bounded in
 * size and count; every bad line is reported at once with its line number, before anything is sent.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs/promises"
import * as IdArgument from "./IdArgument.js"

/**
 * The largest instances file read, in bytes (1 MiB).
 *
 * @since 0.1.0
 */
export const maxBytes = 1024 * 1024

/**
 * The most instance ids one file may hold.
 *
 * @since 0.1.0
 */
export const maxInstances = 10_000

/**
 * The most bad lines an error lists; it says how many more there were.
 *
 * @since 0.1.0
 */
export const maxListed = 20

/**
 * One bad line: its number (from 1) and what is wrong with it.
 *
 * @since 0.1.0
 */
export const Issue = Schema.Struct({ line: Schema.Number, message: Schema.String })

/**
 * @since 0.1.0
 */
export type Issue = typeof Issue.Type

/**
 * The instances file could not be used: it could not be read, it is too large, or lines are bad.
 * `issues` lists the bad lines (at most `maxListed`), `more` how many others there were.
 *
 * @since 0.1.0
 */
export class InstancesFileError extends Schema.TaggedError<InstancesFileError>("@dds-restore/demo/InstancesFileError")(
  "InstancesFileError",
  {
    file: Schema.String,
    detail: Schema.String,
    issues: Schema.Array(Issue),
    more: Schema.Number
  }
) {
  /** @since 0.1.0 */
  override get message(): string {
    const lines = this.issues.map((issue) => `\n  line ${issue.line}: ${issue.message}`).join("")
    const more = this.more === 0 ? "" : `\n  and ${this.more} more ${this.more === 1 ? "line" : "lines"}`
    return `The instances file ${this.file} cannot be used: ${this.detail}.${lines}${more}\n` +
      `Write one instance id a line (letters, digits, - and _, at most ${IdArgument.maxLength}, as the console shows it); blank lines and lines starting with # are skipped. Nothing was sent.`
  }
}

/**
 * The instance ids of a file's text, in order, or every bad line with its number.
 *
 * @since 0.1.0
 */
export const parse = (file: string, text: string): Effect.Effect<ReadonlyArray<string>, InstancesFileError> =>
  Effect.suspend(() => {
    const ids: Array<string> = []
    const issues: Array<Issue> = []
    const firstSeen = new Map<string, number>()
    text.split("\n").forEach((raw, index) => {
      const line = index + 1
      const id = raw.replace(/\r$/, "").trim()
      if (id === "" || id.startsWith("#")) return
      const wrong = IdArgument.problem(id, "instance id")
      if (wrong !== undefined) {
        issues.push({ line, message: wrong })
      } else if (firstSeen.has(id)) {
        issues.push({ line, message: `${id} is already on line ${firstSeen.get(id)}: each instance is restored once a run` })
      } else {
        firstSeen.set(id, line)
        ids.push(id)
      }
    })
    const refuse = (detail: string) =>
      Effect.fail(
        new InstancesFileError({
          file,
          detail,
          issues: issues.slice(0, maxListed),
          more: Math.max(0, issues.length - maxListed)
        })
      )
    if (issues.length > 0) return refuse(`${issues.length} ${issues.length === 1 ? "line is" : "lines are"} not usable`)
    if (ids.length === 0) return refuse("it holds no instance id")
    if (ids.length > maxInstances) return refuse(`it holds ${ids.length} instance ids, more than the ${maxInstances} one run restores`)
    return Effect.succeed(ids)
  })

const errorCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "unknown error"

/**
 * Reads an instances file: at most `maxBytes`, then `parse`.
 *
 * @since 0.1.0
 */
export const read = (file: string): Effect.Effect<ReadonlyArray<string>, InstancesFileError> =>
  Effect.tryPromise({
    try: async () => {
      const handle = await Fs.open(file, "r")
      try {
        // One byte past the limit tells a file at the limit from one over it, without reading it all.
        const buffer = Buffer.alloc(maxBytes + 1)
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
        return bytesRead > maxBytes ? undefined : buffer.subarray(0, bytesRead).toString("utf8")
      } finally {
        await handle.close()
      }
    },
    catch: (cause) => {
      const code = errorCode(cause)
      const detail = code === "ENOENT"
        ? "there is no such file"
        : code === "EISDIR"
        ? "it is a directory"
        : `it could not be opened (${code})`
      return new InstancesFileError({ file, detail, issues: [], more: 0 })
    }
  }).pipe(
    Effect.flatMap((text) =>
      text === undefined
        ? Effect.fail(new InstancesFileError({ file, detail: `it is larger than ${maxBytes} bytes (1 MiB)`, issues: [], more: 0 }))
        : parse(file, text)
    )
  )
