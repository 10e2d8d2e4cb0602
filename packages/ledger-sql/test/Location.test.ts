// The name a ledger goes by in messages, and the password kept out of them.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Layer from "effect/Layer"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as LedgerSql from "../src/LedgerSql.js"
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

  it("a password holding an unencoded '/', '#', '?' or '@' is refused naming only the scheme, never read as host and path", () => {
    const refusedWith = (url: string) => {
      const parsed = Location.parse(Redacted.make(url))
      return Either.isLeft(parsed) ? [parsed.left.ledger, parsed.left.reason] : parsed.right
    }
    expect(Location.displayName(Redacted.make("postgres://restorer:2024/Winter@db.internal:5432/restores"))).toBe(undefined)
    expect(refusedWith("postgres://restorer:2024/Winter@db.internal:5432/restores")).toStrictEqual(["a postgres:// URL", "Unopenable"])
    expect(Location.displayName(Redacted.make("postgres://restorer:12#x@db/d"))).toBe(undefined)
    expect(refusedWith("postgresql://restorer:12#x@db/d")).toStrictEqual(["a postgresql:// URL", "Unopenable"])
    expect(refusedWith("postgres://u:p@ss@db/d")).toStrictEqual(["a postgres:// URL", "Unopenable"])
    const refused = Location.parse(Redacted.make("postgres://restorer:2024/Winter@db.internal:5432/restores"))
    expect(Either.isLeft(refused) && refused.left.detail).toBe(
      "it cannot be read safely: an '@' stands after a '/', '?' or '#' that follows '://', so where the password ends " +
        "cannot be told (it is not repeated here: it may hold a password). Percent-encode '/', '#', '?', '@' and '%' in " +
        "the password (%2F, %23, %3F, %40, %25): postgres://USER:PASSWORD@HOST:PORT/DATABASE."
    )
    // Clear URLs are still named by user, host and database.
    expect(Location.displayName(Redacted.make("postgres://restorer:2024%2FWinter@db.internal:5432/restores")))
      .toBe("postgres://restorer@db.internal:5432/restores")
    expect(Location.displayName(Redacted.make("postgres://db.internal:5432/restores"))).toBe("postgres://db.internal:5432/restores")
    expect(Location.displayName(Redacted.make("postgres://restorer@[::1]:5432/restores"))).toBe("postgres://restorer@[::1]:5432/restores")
  })

  it.effect("no password with '/', '#', '?', '@', ':', '%' or spaces, wherever they stand, reaches a name or an error", () =>
    Effect.gen(function*() {
      const specials = ["/", "#", "?", "@", ":", "%", " ", "%2", "//", "@@", "::", "#?"]
      const passwords = specials.flatMap((special) => [
        `Sekr${special}etWord9`,
        `${special}SekretWord9`,
        `SekretWord9${special}`,
        `Sek${special}ret${special}Word9`
      ])
      let checked = 0
      for (const password of passwords) {
        for (const [url, clearName] of [
          [`postgres://restorer:${password}@db.internal:5432/restores`, "postgres://restorer@db.internal:5432/restores"],
          [`postgresql://restorer:${password}@127.0.0.1:1/restores?sslmode=disable`, "postgresql://restorer@127.0.0.1:1/restores"],
          [`postgres://restorer:${password}@db.internal/restores#frag`, "postgres://restorer@db.internal/restores"]
        ] as const) {
          // Each piece of the password long enough to be telling: none may be printed.
          const pieces = password.split(/[/#?@:% ]+/).filter((piece) => piece.length >= 3)
          const name = Location.displayName(Redacted.make(url))
          const parsed = Location.parse(Redacted.make(url))
          const said = [
            name ?? "",
            LedgerSql.nameOf(url),
            LedgerSql.pgName(Redacted.make(url)),
            JSON.stringify(parsed),
            Either.isLeft(parsed) ? `${parsed.left.message} ${parsed.left.ledger} ${parsed.left.detail}` : "",
            JSON.stringify(Location.refusal(url) ?? null)
          ].join("\n")
          for (const piece of pieces) expect(said, `${url} leaked ${piece}`).not.toContain(piece)
          if (Either.isRight(parsed) && parsed.right._tag === "Postgres") {
            expect(parsed.right.name).toBe(clearName)
          }
          checked++
        }
      }
      expect(checked).toBe(specials.length * 4 * 3)
      // layerPg, given such a URL directly, refuses it the same way before connecting.
      const exit = yield* Effect.exit(Layer.build(LedgerSql.layerPg({ url: Redacted.make("postgres://u:pa/ss@127.0.0.1:1/x") })).pipe(Effect.scoped))
      expect(Exit.isFailure(exit)).toBe(true)
      const failure = JSON.stringify(exit)
      expect(failure).toContain("\"reason\":\"Unopenable\"")
      expect(failure).not.toContain("pa/ss")
      expect(failure).not.toContain("ss@")
    }))
})
