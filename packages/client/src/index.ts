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
export * as Signer from "./Signer.js"
/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
