/**
 * @since 0.1.0
 */
export * as RestorePoint from "./RestorePoint.js"

/**
 * @since 0.1.0
 */
export * as Wire from "./Wire.js"
