/**
 * The ids of the demo fixture's instances, alone: what a command line's help names, without
 * loading the fixture's seed (and the domain with it). `DemoFixture` gives the same ids.
 *
 * @since 0.1.0
 */

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
