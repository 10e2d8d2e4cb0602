// Reads the example bodies of the service from their one copy, docs/service/, which the client's
// and the HTTP transport's tests read too.
import { readFileSync } from "node:fs"

export const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../docs/service/${name}`, import.meta.url), "utf8"))
