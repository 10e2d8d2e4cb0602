/**
 * @since 0.1.0
 */
export * as AkSkSigner from "./AkSkSigner.js"
/**
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"
