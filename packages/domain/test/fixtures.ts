// Reads the example bodies copied from the reference into test/fixtures/.
import { readFileSync } from "node:fs"

export const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))
