// The ledger used when none is named: an SQLite file in the user's state folder, after the XDG
// base directories. Every test gives XDG_STATE_HOME and HOME as temporary folders, so nothing is
// written in the real home.
import { RestoreLedger } from "@dds-restore/client"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { existsSync, mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import * as Location from "../src/internal/location.js"

const scratch = () => mkdtempSync(path.join(tmpdir(), "dds-restore-default-"))

const withEnvironment = (variables: Readonly<Record<string, string>>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))

const key: RestoreLedger.InstanceKey = { endpoint: "http://127.0.0.1:1", projectId: "p1", instanceId: "rs0" }

describe("the default ledger", () => {
  it.effect("is $XDG_STATE_HOME/dds-restore/ledger.db when XDG_STATE_HOME is an absolute path", () =>
    Effect.gen(function*() {
      const state = scratch()
      const home = scratch()
      expect(yield* withEnvironment({ XDG_STATE_HOME: state, HOME: home })(LedgerSql.defaultFilename))
        .toBe(path.join(state, "dds-restore", "ledger.db"))
    }))

  it.effect("is ~/.local/state/dds-restore/ledger.db when XDG_STATE_HOME is unset, empty or relative", () =>
    Effect.gen(function*() {
      const home = scratch()
      const expected = path.join(home, ".local", "state", "dds-restore", "ledger.db")
      expect(yield* withEnvironment({ HOME: home })(LedgerSql.defaultFilename)).toBe(expected)
      expect(yield* withEnvironment({ HOME: home, XDG_STATE_HOME: "" })(LedgerSql.defaultFilename)).toBe(expected)
      expect(yield* withEnvironment({ HOME: home, XDG_STATE_HOME: "relative/state" })(LedgerSql.defaultFilename)).toBe(expected)
    }))

  it("has no place without an absolute state folder or home", () => {
    expect(Location.defaultFile({ stateHome: undefined, home: undefined })).toBeUndefined()
    expect(Location.defaultFile({ stateHome: "state", home: "" })).toBeUndefined()
    expect(Location.defaultFile({ stateHome: " /srv/state ", home: undefined })).toBe("/srv/state/dds-restore/ledger.db")
  })

  it.effect("is created on first use in a folder only its user can open, and found again by the next process", () =>
    Effect.gen(function*() {
      const state = path.join(scratch(), "state")
      const environment = withEnvironment({ XDG_STATE_HOME: state, HOME: scratch() })
      const folder = path.join(state, "dds-restore")
      expect(existsSync(folder)).toBe(false)
      yield* Effect.gen(function*() {
        const ledger = yield* RestoreLedger.RestoreLedger
        const lease = yield* ledger.acquire(key, { holder: "first", ttl: "1 minute", wait: "0 seconds" })
        yield* ledger.record(lease, { id: "s1", key, holder: "first", at: 1, body: "{}", hash: "h", searchFrom: 0, before: [] })
      }).pipe(Effect.provide(LedgerSql.layerDefault()), environment)
      expect(statSync(folder).mode & 0o777).toBe(0o700)
      expect(statSync(state).mode & 0o777).toBe(0o700)
      expect(existsSync(path.join(folder, "ledger.db"))).toBe(true)
      const unsettled = yield* Effect.flatMap(RestoreLedger.RestoreLedger, (ledger) => ledger.unsettled()).pipe(
        Effect.provide(LedgerSql.layerDefault()),
        environment
      )
      expect(unsettled.map((entry) => [entry.id, entry.holder, entry.state])).toStrictEqual([["s1", "first", "Intent"]])
    }))
})
