/**
 * The work of `dds-restore windows`: one UTC day's restorable windows, drawn and listed.
 *
 * @since 0.1.0
 */
import { CallError, RestoreClient } from "@dds-restore/client"
import { ServiceTime, type Wire } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Failure from "../Failure.js"
import type * as Global from "../Global.js"
import * as Output from "../Output.js"
import * as Target from "../Target.js"
import * as Timeline from "../Timeline.js"

const iso = (millis: number): string => new Date(millis).toISOString()

const table = (windows: ReadonlyArray<Wire.RestoreWindow>): ReadonlyArray<string> => {
  const rows = windows.map((w) => [
    iso(w.start_time),
    iso(w.end_time),
    String(w.start_time),
    String(w.end_time),
    Timeline.formatSpan(w.end_time - w.start_time)
  ])
  const header = ["start", "end", "start (epoch ms)", "end (epoch ms)", "length"]
  const widths = header.map((title, k) => Math.max(title.length, ...rows.map((row) => row[k]?.length ?? 0)))
  const format = (cells: ReadonlyArray<string>) => `  ${cells.map((cell, k) => cell.padEnd(widths[k] ?? 0)).join("  ")}`.trimEnd()
  return [format(header), ...rows.map(format)]
}

/**
 * The parsed options of `windows`.
 *
 * @since 0.1.0
 */
export interface Input extends Global.Settings {
  readonly instance: string
  readonly date: string
  readonly json: boolean
}

/**
 * Reads the day's windows and shows them.
 *
 * @since 0.1.0
 */
export const run = ({ date, instance, json, ...own }: Input) =>
  Effect.gen(function*() {
    const start = ServiceTime.parseUtcDay(date)
    if (Either.isLeft(start)) {
      return yield* new CallError.InvalidArgument({
        operation: "windows",
        argument: "--date",
        reason: `${JSON.stringify(date)} is not a calendar day: give a UTC day as YYYY-MM-DD, for example 2020-12-12.`
      })
    }
    const windows = yield* Effect.flatMap(RestoreClient.RestoreClient, (client) => client.restorableTimes(instance, date)).pipe(
      Target.provide(own)
    )
    if (json) {
      return yield* Output.json({
        instance_id: instance,
        date,
        windows: windows.map((w) => ({
          start_time: w.start_time,
          end_time: w.end_time,
          start: iso(w.start_time),
          end: iso(w.end_time)
        }))
      })
    }
    const count = windows.length
    yield* Output.line(
      `Restorable windows of ${date} (UTC) on instance ${instance}: ${count === 0 ? "none" : count}`
    )
    const spans = windows.map((w) => ({ start: w.start_time, end: w.end_time }))
    for (const line of Timeline.draw(start.right, spans)) yield* Output.line(line)
    if (count > 0) {
      yield* Output.line("")
      for (const line of table(windows)) yield* Output.line(line)
    }
  }).pipe(Failure.report(json))
