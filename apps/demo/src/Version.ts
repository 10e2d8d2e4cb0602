/**
 * The command line's name and version (`--version`), its package's, for the full program and the
 * fast path alike.
 *
 * @since 0.2.0
 */
import packageJson from "../package.json" with { type: "json" }

/**
 * The command line's name.
 *
 * @since 0.2.0
 */
export const name = "dds-restore"

/**
 * The version the command line reports: its package's.
 *
 * @since 0.2.0
 */
export const version: string = packageJson.version
