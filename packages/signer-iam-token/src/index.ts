/**
 * @since 0.1.0
 */
export * as TokenProvider from "./TokenProvider.js"
/**
 * @since 0.1.0
 */
export * as TokenSigner from "./TokenSigner.js"
