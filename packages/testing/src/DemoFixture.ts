/**
 * The built-in demo seed the emulator and the demo app start from: one project with demo
 * credentials and a demo IAM user, a 4.x replica set `dds-orders-demo` ready to restore, a sharded
 * cluster, and a replica set without incremental backup; and a fleet of replica sets like the demo
 * one, derived from a seed. Everything is relative to the `now` it is given, so the fixture reads
 * the same whatever the day.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import * as DemoIds from "./DemoIds.js"
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
export const ordersInstanceId = DemoIds.ordersInstanceId

/**
 * The sharded cluster `dds-analytics-cluster`: a restore on it is refused (DBS.280342).
 *
 * @since 0.1.0
 */
export const shardedInstanceId = DemoIds.shardedInstanceId

/**
 * The replica set `dds-inventory-demo` with incremental backup off: a restore on it is refused
 * (DBS.280343).
 *
 * @since 0.1.0
 */
export const noIncrementalInstanceId = DemoIds.noIncrementalInstanceId

/**
 * The restorable windows of the last 7 days, in whole seconds, with two gaps (06:00:00 to 06:25:00
 * UTC two days before `now`'s day, 13:10:00 to 13:12:30 UTC four days before), split at each UTC
 * midnight as the service reports them (a day ends at 23:59:59). The last one, from `now`'s day on,
 * is open: it ends the incremental backup's lag (`Seed.BACKUP_LAG_MILLIS`) before the fake's clock,
 * so an emulator left running keeps offering the last minutes.
 *
 * @since 0.1.0
 */
export const windows = (now: number): ReadonlyArray<Seed.Window> => {
  const start = Math.ceil((now - 7 * DAY) / SECOND) * SECOND
  const today = Math.floor(now / DAY) * DAY
  const gaps = [
    { start: today - 4 * DAY + 13 * HOUR + 10 * MINUTE, end: today - 4 * DAY + 13 * HOUR + 12 * MINUTE + 30 * SECOND },
    { start: today - 2 * DAY + 6 * HOUR, end: today - 2 * DAY + 6 * HOUR + 25 * MINUTE }
  ]
  const spans: Array<Range> = []
  let from = start
  for (const gap of gaps) {
    spans.push({ start: from, end: gap.start - SECOND })
    from = gap.end
  }
  spans.push({ start: from, end: today - SECOND })
  return [...spans.flatMap((span) => splitAtMidnight(span)), { start: today }]
}

interface Range {
  readonly start: number
  readonly end: number
}

const splitAtMidnight = (span: Range): ReadonlyArray<Seed.Window> => {
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

// The databases of dds-orders-demo, which every fleet instance holds too.
const ordersDatabases = (now: number): ReadonlyArray<Seed.Database> => {
  const since = { createdAt: now - 90 * DAY }
  return [
    Seed.database("shop", [
      { name: "orders", ...since },
      { name: "customers", ...since },
      { name: "carts", createdAt: now - 3 * DAY },
      { name: "legacy_orders", ...since, droppedAt: now - 2 * DAY }
    ], since),
    Seed.database("analytics", [{ name: "events", ...since }, { name: "sessions", ...since }], since)
  ]
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
        databases: ordersDatabases(now)
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

/**
 * The most instances a fleet may have.
 *
 * @since 0.1.0
 */
export const fleetLimit = 10_000

/**
 * The seed a fleet's ids and names are derived from when none is given.
 *
 * @since 0.1.0
 */
export const defaultFleetSeed = "fleet"

/**
 * How many fleet instances, and the text their ids and names are derived from: the same seed gives
 * the same fleet in every process.
 *
 * @since 0.1.0
 */
export interface FleetOptions {
  /** From 0 to `fleetLimit`. */
  readonly count: number
  /** Any non-empty text (`defaultFleetSeed` when absent). */
  readonly seed?: string
}

/**
 * The ids of a fleet, in order: 32 hexadecimal digits and `in02` as the service writes them, the
 * first 24 digits from the seed and the last 8 a one-to-one mix of the seed and the position, so
 * no two instances of a fleet share an id. Throws a `RangeError` for a count outside 0 to
 * `fleetLimit` or an empty seed.
 *
 * @since 0.1.0
 */
export const fleetInstanceIds = (options: FleetOptions): ReadonlyArray<string> => {
  const { count, seed } = checkedFleet(options)
  const digits = hexStream(fnv1a(`${seed}/id`))
  const prefix = Array.from({ length: 3 }, digits).join("")
  const offset = fnv1a(`${seed}/position`)
  // An odd multiplier makes position -> mix one-to-one on 32 bits.
  return Array.from({ length: count }, (_, position) =>
    `${prefix}${hex8((Math.imul(position, 0x9e3779b1) + offset) >>> 0)}in02`)
}

/**
 * The instances of a fleet at `now`: healthy 4.0 replica sets with incremental backup on, the demo
 * windows, and the databases and collections of `dds-orders-demo`, so that the example plans apply
 * to each. Ids as `fleetInstanceIds`; names `dds-fleet-<6 digits of the seed>-<position from 1>`.
 *
 * @since 0.1.0
 */
export const fleet = (now: number, options: FleetOptions): ReadonlyArray<Seed.Instance> => {
  const { count, seed } = checkedFleet(options)
  const tag = hex8(fnv1a(`${seed}/name`)).slice(0, 6)
  const width = String(count).length
  const fleetWindows = windows(now)
  const databases = ordersDatabases(now)
  return fleetInstanceIds({ count, seed }).map((id, position) =>
    Seed.replicaSet({
      id,
      name: `dds-fleet-${tag}-${String(position + 1).padStart(width, "0")}`,
      version: "4.0",
      windows: fleetWindows,
      databases
    })
  )
}

const checkedFleet = (options: FleetOptions): { readonly count: number; readonly seed: string } => {
  const seed = options.seed ?? defaultFleetSeed
  if (!Number.isInteger(options.count) || options.count < 0 || options.count > fleetLimit) {
    throw new RangeError(`A fleet has from 0 to ${fleetLimit} instances, not ${String(options.count)}.`)
  }
  if (seed === "") throw new RangeError("A fleet's seed is a non-empty text.")
  return { count: options.count, seed }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0")

// FNV-1a over the UTF-16 code units: a stable 32-bit hash of the seed, the same on every platform.
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

// splitmix32: eight hexadecimal digits at a time from a 32-bit state.
const hexStream = (state: number): () => string => {
  let s = state
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return hex8((z ^ (z >>> 16)) >>> 0)
  }
}
