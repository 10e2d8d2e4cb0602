/**
 * @since 0.1.0
 */
export * as EmulatorOptions from "./EmulatorOptions.js"
