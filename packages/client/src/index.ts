/**
 * @since 0.1.0
 */
export * as CallError from "./CallError.js"
/**
 * @since 0.1.0
 */
export * as DdsConfig from "./DdsConfig.js"
/**
 * @since 0.1.0
 */
export * as DdsRequest from "./DdsRequest.js"
/**
 * @since 0.1.0
 */
export * as DdsResponse from "./DdsResponse.js"
/**
 * @since 0.1.0
 */
export * as JobWatch from "./JobWatch.js"

/**
 * @since 0.1.0
 */
export * as JsonText from "./JsonText.js"
/**
 * @since 0.1.0
 */
export * as Preflight from "./Preflight.js"
/**
 * @since 0.1.0
 */
export * as Reconcile from "./Reconcile.js"
/**
 * @since 0.1.0
 */
export * as RestoreClient from "./RestoreClient.js"
/**
 * @since 0.2.0
 */
export * as RestoreLedger from "./RestoreLedger.js"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.1.0
 */
export * as SdkDate from "./SdkDate.js"
/**
 * @since 0.1.0
 */
export * as Signer from "./Signer.js"
/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
