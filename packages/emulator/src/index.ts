/**
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * @since 0.1.0
 */
export * as EmulatorMain from "./EmulatorMain.js"

/**
 * @since 0.1.0
 */
export * as EmulatorOptions from "./EmulatorOptions.js"
