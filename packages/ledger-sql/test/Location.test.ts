// The name a ledger goes by in messages, and the password kept out of them.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Location from "../src/internal/location.js"

describe("a ledger's location", () => {
  it("a postgres:// URL is named without its password and query; anything else is a file path", () => {
    expect(Location.displayName(Redacted.make("postgres://restorer:p%40ss@db.internal:5432/restores?sslmode=require&password=x")))
      .toBe("postgres://restorer@db.internal:5432/restores")
    expect(Location.displayName(Redacted.make("postgresql://db.internal/restores"))).toBe("postgresql://db.internal/restores")
    expect(Location.parse(" /var/lib/ledger.db ")).toStrictEqual(Either.right({ _tag: "Sqlite", filename: "/var/lib/ledger.db" }))
    const unreadable = Location.parse(Redacted.make("postgres://admin:hunter22@"))
    expect(Either.isLeft(unreadable) && [unreadable.left.ledger, unreadable.left.reason]).toStrictEqual(["a postgres:// URL", "Unopenable"])
    expect(JSON.stringify(unreadable)).not.toContain("hunter22")
  })

  it("the password, as written and decoded, and the URL itself are replaced where they stand alone, not inside words", () => {
    const url = Redacted.make("postgres://u:s3cr%40t@h:5432/d?password=qs-secret")
    expect(Location.scrub(url, `auth failed for s3cr@t and s3cr%40t, qs-secret, url postgres://u:s3cr%40t@h:5432/d?password=qs-secret`))
      .toBe("auth failed for *** and ***, ***, url ***")
    expect(Location.scrub(Redacted.make("postgres://a:b@h/d"), "cannot be reached: b")).toBe("cannot be reached: ***")
  })
})
