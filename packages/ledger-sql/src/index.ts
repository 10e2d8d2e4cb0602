/**
 * @since 0.2.0
 */
export * as LedgerSql from "./LedgerSql.js"
