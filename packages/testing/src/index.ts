/**
 * @since 0.1.0
 */
export * as Authenticator from "./Authenticator.js"

/**
 * @since 0.1.0
 */
export * as DemoFixture from "./DemoFixture.js"

/**
 * @since 0.1.0
 */
export * as DroppedAnswer from "./DroppedAnswer.js"

/**
 * @since 0.1.0
 */
export * as FakeDds from "./FakeDds.js"

/**
 * @since 0.1.0
 */
export * as Fault from "./Fault.js"

/**
 * @since 0.1.0
 */
export * as Seed from "./Seed.js"
