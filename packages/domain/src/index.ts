/**
 * @since 0.1.0
 */
export * as CollectionName from "./CollectionName.js"

/**
 * @since 0.1.0
 */
export * as DatabaseName from "./DatabaseName.js"

/**
 * @since 0.1.0
 */
export * as Namespace from "./Namespace.js"

/**
 * @since 0.1.0
 */
export * as PlanError from "./PlanError.js"

/**
 * @since 0.1.0
 */
export * as RestorePlan from "./RestorePlan.js"

/**
 * @since 0.1.0
 */
export * as RestorePoint from "./RestorePoint.js"

/**
 * @since 0.1.0
 */
export * as Rules from "./Rules.js"

/**
 * @since 0.1.0
 */
export * as ServiceTime from "./ServiceTime.js"

/**
 * @since 0.1.0
 */
export * as Wire from "./Wire.js"
