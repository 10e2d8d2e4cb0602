/**
 * The built-in demo seed the emulator and the demo app start from: one project with demo
 * credentials and a demo IAM user, a 4.x replica set `dds-orders-demo` ready to restore, a sharded
 * cluster, and a replica set without incremental backup. Everything is relative to the `now` it is
 * given, so the fixture reads the same whatever the day.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import * as Seed from "./Seed.js"

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * The demo project's id.
 *
 * @since 0.1.0
 */
export const projectId = "5e2d9c8a0b1f4e7d9a3c6b2e1f0d4a7c"

/**
 * The demo project's region.
 *
 * @since 0.1.0
 */
export const region = "cn-north-4"

/**
 * The demo access key id (AK).
 *
 * @since 0.1.0
 */
export const accessKeyId = "DEMOACCESSKEY00000000"

/**
 * The demo secret access key (SK); it only signs requests to a fake or the emulator.
 *
 * @since 0.1.0
 */
export const secretAccessKey: Redacted.Redacted<string> = Redacted.make("DemoSecretAccessKey00000000000000000000000")

/**
 * The demo IAM user (password method): name, password and domain.
 *
 * @since 0.1.0
 */
export const user: Seed.User = { name: "demo-user", password: Redacted.make("Demo-Passw0rd"), domain: "demo-domain" }

/**
 * The replica set `dds-orders-demo` (4.0, incremental backup on): the one to restore.
 *
 * @since 0.1.0
 */
export const ordersInstanceId = "6a1f0c2b3d4e5f60718293a4b5c6d7e8in02"

/**
 * The sharded cluster `dds-analytics-cluster`: a restore on it is refused (DBS.280342).
 *
 * @since 0.1.0
 */
export const shardedInstanceId = "7b2e1d3c4f5a6b7c8d9e0f1a2b3c4d5ein02"

/**
 * The replica set `dds-inventory-demo` with incremental backup off: a restore on it is refused
 * (DBS.280343).
 *
 * @since 0.1.0
 */
export const noIncrementalInstanceId = "8c3f2e4d5a6b7c8d9e0f1a2b3c4d5e6fin02"

/**
 * The restorable windows of the last 7 days up to 5 minutes before `now`, in whole seconds, with
 * two gaps (06:00:00 to 06:25:00 UTC two days before `now`'s day, 13:10:00 to 13:12:30 UTC four
 * days before), split at each UTC midnight as the service reports them (a day ends at 23:59:59).
 *
 * @since 0.1.0
 */
export const windows = (now: number): ReadonlyArray<Seed.Window> => {
  const start = Math.ceil((now - 7 * DAY) / SECOND) * SECOND
  const end = Math.floor((now - 5 * MINUTE) / SECOND) * SECOND
  const today = Math.floor(now / DAY) * DAY
  const gaps = [
    { start: today - 4 * DAY + 13 * HOUR + 10 * MINUTE, end: today - 4 * DAY + 13 * HOUR + 12 * MINUTE + 30 * SECOND },
    { start: today - 2 * DAY + 6 * HOUR, end: today - 2 * DAY + 6 * HOUR + 25 * MINUTE }
  ]
  const spans: Array<Seed.Window> = []
  let from = start
  for (const gap of gaps) {
    spans.push({ start: from, end: gap.start - SECOND })
    from = gap.end
  }
  spans.push({ start: from, end })
  return spans.flatMap((span) => splitAtMidnight(span))
}

const splitAtMidnight = (span: Seed.Window): ReadonlyArray<Seed.Window> => {
  const pieces: Array<Seed.Window> = []
  let from = span.start
  while (from <= span.end) {
    const nextDay = Math.floor(from / DAY) * DAY + DAY
    const to = Math.min(span.end, nextDay - SECOND)
    pieces.push({ start: from, end: to })
    from = nextDay
  }
  return pieces
}

/**
 * The demo seed at `now` (epoch ms): `shop` holds `orders`, `customers`, `carts` (created 3 days
 * before `now`) and `legacy_orders` (dropped 2 days before), `analytics` holds `events` and
 * `sessions`; both databases exist since 90 days before `now`.
 *
 * @since 0.1.0
 */
export const make = (now: number): Seed.Seed => {
  const since = { createdAt: now - 90 * DAY }
  const demoWindows = windows(now)
  return Seed.make({
    projectId,
    region,
    credentials: [{ accessKeyId, secretAccessKey }],
    users: [user],
    instances: [
      Seed.replicaSet({
        id: ordersInstanceId,
        name: "dds-orders-demo",
        version: "4.0",
        windows: demoWindows,
        databases: [
          Seed.database("shop", [
            { name: "orders", ...since },
            { name: "customers", ...since },
            { name: "carts", createdAt: now - 3 * DAY },
            { name: "legacy_orders", ...since, droppedAt: now - 2 * DAY }
          ], since),
          Seed.database("analytics", [{ name: "events", ...since }, { name: "sessions", ...since }], since)
        ]
      }),
      Seed.sharded({
        id: shardedInstanceId,
        name: "dds-analytics-cluster",
        version: "4.4",
        windows: demoWindows,
        databases: [Seed.database("clickstream", [{ name: "hits", ...since }], since)]
      }),
      Seed.replicaSet({
        id: noIncrementalInstanceId,
        name: "dds-inventory-demo",
        version: "4.2",
        incrementalBackup: false,
        databases: [Seed.database("inventory", [{ name: "items", ...since }, { name: "stock", ...since }], since)]
      })
    ]
  })
}
