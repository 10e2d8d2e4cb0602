/**
 * Reading a plan file: its text, its relative times resolved against now, then the domain's
 * decoding with every rule that needs no service (names, duplicates, lengths, not in the future).
 *
 * @since 0.1.0
 */
import { PlanError, RestorePlan } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { constants } from "node:fs"
import * as Fs from "node:fs/promises"
import * as RelativeTime from "./RelativeTime.js"

/**
 * The plan file could not be read at all (missing, a directory, no permission).
 *
 * @since 0.1.0
 */
export class PlanFileError extends Schema.TaggedError<PlanFileError>("@dds-restore/demo/PlanFileError")("PlanFileError", {
  file: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `The plan file ${this.file} could not be read: ${this.detail}. Check the path (relative to the current directory).`
  }
}

const errorCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "unknown error"

/**
 * Reads a plan from a file's text at `now` (epoch ms): relative times resolved, every issue (those
 * of relative times included) in one `PlanError`.
 *
 * @since 0.1.0
 */
export const parse = (text: string, now: number): Effect.Effect<RestorePlan.RestorePlan, PlanError.PlanError> =>
  Effect.suspend(() => {
    let content: unknown
    try {
      content = JSON.parse(text)
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : "unknown error"
      return Effect.fail(new PlanError.PlanError({ issues: [{ path: [], message: `the plan is not valid JSON: ${detail}` }] }))
    }
    const resolved = RelativeTime.resolve(content, now)
    const unread = new Set(resolved.issues.map((issue) => PlanError.formatPath(issue.path)))
    return RestorePlan.decode(resolved.input, { now }).pipe(
      // A relative time that could not be read is reported once, in the command line's words.
      Effect.mapError((error) => {
        const kept = error.issues.filter((issue) => !unread.has(PlanError.formatPath(issue.path)))
        return new PlanError.PlanError({
          issues: [...resolved.issues, ...kept],
          count: resolved.issues.length + error.count - (error.issues.length - kept.length)
        })
      }),
      Effect.filterOrFail(
        () => resolved.issues.length === 0,
        () => new PlanError.PlanError({ issues: resolved.issues })
      )
    )
  })

/**
 * The largest plan file read, 16 MiB: a plan of ten thousand collections is about 1 MiB. A larger
 * file is refused before it is read.
 *
 * @since 0.1.0
 */
export const MAX_PLAN_BYTES = 16 * 1024 * 1024

const tooLarge = (file: string, size: number) =>
  new PlanFileError({ file, detail: `it is ${size} bytes, more than the ${MAX_PLAN_BYTES} a plan file may hold` })

// Opens without blocking (a FIFO would wait for a writer forever) and reads only a regular file of
// at most MAX_PLAN_BYTES.
const readRegular = async (file: string): Promise<Uint8Array | PlanFileError> => {
  const handle = await Fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stats = await handle.stat()
    if (stats.isDirectory()) return new PlanFileError({ file, detail: "it is a directory" })
    if (!stats.isFile()) {
      return new PlanFileError({ file, detail: "it is not a regular file (a FIFO, a device or a socket); give a file, or - for standard input" })
    }
    if (stats.size > MAX_PLAN_BYTES) return tooLarge(file, stats.size)
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

// Standard input, up to MAX_PLAN_BYTES; more is refused as soon as it is read.
const readStandardInput = (): Promise<Uint8Array | PlanFileError> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_PLAN_BYTES) {
        process.stdin.off("data", onData)
        process.stdin.pause()
        resolve(new PlanFileError({ file: "-", detail: `standard input holds more than the ${MAX_PLAN_BYTES} bytes a plan file may hold` }))
        return
      }
      chunks.push(chunk)
    }
    process.stdin.on("data", onData)
    process.stdin.once("end", () => resolve(Buffer.concat(chunks, size)))
    process.stdin.once("error", reject)
  })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The offset of the first byte that is not part of well-formed UTF-8, or -1.
 *
 * @since 0.1.0
 */
export const invalidUtf8At = (bytes: Uint8Array): number => {
  let k = 0
  while (k < bytes.length) {
    const b = bytes[k] ?? 0
    const [length, min] = b < 0x80 ? [1, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80] : b >= 0xe0 && b <= 0xef ? [3, 0x800] : b >= 0xf0 && b <= 0xf4 ? [4, 0x10000] : [0, 0]
    if (length === 0) return k
    if (length === 1) {
      k++
      continue
    }
    let code = b & (0xff >> (length + 1))
    for (let i = 1; i < length; i++) {
      const next = bytes[k + i]
      if (next === undefined || (next & 0xc0) !== 0x80) return k
      code = (code << 6) | (next & 0x3f)
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return k
    k += length
  }
  return -1
}

/**
 * Reads and parses a plan file at `now` (epoch ms); `-` reads standard input. Only a regular file
 * (or standard input) of at most `MAX_PLAN_BYTES` in UTF-8 is read.
 *
 * @since 0.1.0
 */
export const read = (
  file: string,
  now: number
): Effect.Effect<RestorePlan.RestorePlan, PlanFileError | PlanError.PlanError> =>
  Effect.tryPromise({
    try: () => (file === "-" ? readStandardInput() : readRegular(file)),
    catch: (cause): PlanFileError => {
      const code = errorCode(cause)
      return new PlanFileError({
        file,
        detail: code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a directory" : `it could not be opened (${code})`
      })
    }
  }).pipe(
    Effect.flatMap((read): Effect.Effect<Uint8Array, PlanFileError> =>
      read instanceof PlanFileError ? Effect.fail(read) : Effect.succeed(read)
    ),
    Effect.flatMap((bytes): Effect.Effect<RestorePlan.RestorePlan, PlanFileError | PlanError.PlanError> => {
      let text: string
      try {
        text = utf8.decode(bytes)
      } catch {
        return Effect.fail(
          new PlanFileError({ file, detail: `it is not UTF-8 text: the byte at offset ${invalidUtf8At(bytes)} is not valid UTF-8` })
        )
      }
      return parse(text, now)
    })
  )
