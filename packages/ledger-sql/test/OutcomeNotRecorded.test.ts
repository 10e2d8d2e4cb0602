// A restore whose outcome the ledger then refuses to record. One the service started: the caller
// still gets its job, in JobNotRecorded, and the submission is left unsettled for recover, which
// records that very job once the ledger can be written again. One whose answer was lost: its
// outcome is unknown, the submission left unsettled, and the ledger's failure said, never a bare
// LedgerError. The ledger is an SQLite file whose trigger aborts the write of one state, as a full
// disk or a failing database would.
import { DdsConfig, RestoreClient, RestoreLedger } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { FakeDds, Fault, Seed } from "@dds-restore/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LedgerSql } from "../src/index.js"
import { withDriver } from "./driver.js"

const HOUR = 3_600_000
const credentials = { accessKeyId: "NOTRECORDEDAK0000000", secretAccessKey: Redacted.make("not-recorded-secret-key-000000000000000") }
const instanceId = "rs-unrecorded"
const endpoint = "https://dds.cn-north-4.myhuaweicloud.com"
const scratch = mkdtempSync(path.join(tmpdir(), "dds-restore-not-recorded-"))

const refuse = (state: string) => `CREATE TRIGGER refuse_outcomes BEFORE UPDATE OF state ON dds_restore_submissions
  WHEN NEW.state = '${state}' BEGIN SELECT RAISE(ABORT, 'the disk refused the outcome'); END`

/**
 * A fresh ledger file named `name` whose `trigger` refuses some write (added after the schema, as
 * another program would), the fake service with one instance, and a plan for it.
 */
const refusing = (name: string, trigger: string) =>
  Effect.gen(function*() {
    const filename = path.join(scratch, name, "ledger.db")
    const now = Date.now()
    const seed = Seed.make({
      instances: [
        Seed.replicaSet({ id: instanceId, name: "orders", windows: [{ start: now - 24 * HOUR, end: now - 60_000 }], databases: { shop: ["orders"] } })
      ],
      credentials: [credentials]
    })
    const plan = RestorePlan.make([
      RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", newName: "orders_restored", at: now - HOUR })])
    ])
    const ledger = LedgerSql.layerSqlite({ filename })
    yield* Effect.scoped(Layer.build(ledger))
    yield* withDriver(filename, trigger)
    const world = Layer.mergeAll(
      AkSkSigner.layer(credentials),
      Layer.orDie(DdsConfig.layer({ projectId: seed.projectId, endpoint }))
    ).pipe(Layer.provideMerge(FakeDds.layerMemory(seed, { jobVisibleAfter: "0 millis" })))
    return { filename, ledger, plan, world }
  })

/** A restore on a fresh ledger file that refuses to record `state`, with `fault` on the fake's restore answer. */
const restoreUnrecorded = (name: string, fault: Fault.Fault | undefined, state = "Submitted") =>
  Effect.gen(function*() {
    const { filename, ledger, plan, world } = yield* refusing(name, refuse(state))
    const client = RestoreClient.layerWithoutLedger({ holder: "runner" }).pipe(Layer.provideMerge(world), Layer.provideMerge(ledger))
    return yield* Effect.gen(function*() {
      const fake = yield* FakeDds.FakeDds
      if (fault !== undefined) yield* fake.injectFault({ operation: "restore", times: 1, fault })
      const dds = yield* RestoreClient.RestoreClient
      // What the client logs (its warnings), as one line each.
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => {
        logs.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
      })
      const error = yield* Effect.flip(dds.restore(instanceId, plan, { reconcile: { wait: "1 second", interval: "100 millis" } })).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      const jobs = yield* fake.jobs
      const unsettled = yield* (yield* RestoreLedger.RestoreLedger).unsettled()
      // While the ledger still refuses, recover says what it found and leaves the submission; once
      // the ledger can record outcomes again, recover settles it with what the task list shows.
      const refused = yield* dds.recover({ wait: "1 second", interval: "100 millis" })
      yield* withDriver(filename, "DROP TRIGGER refuse_outcomes")
      const recovered = yield* dds.recover({ wait: "1 second", interval: "100 millis" })
      return { error, filename, jobs, logs, unsettled, refused, recovered }
    }).pipe(Effect.provide(client))
  })

describe("a restore whose outcome the ledger cannot record", () => {
  it.live("gives its job in JobNotRecorded, names the submission left unsettled, and recover records that job", () =>
    Effect.gen(function*() {
      const { error, filename, jobs, recovered, refused, unsettled } = yield* restoreUnrecorded("answered", undefined)
      const [job] = jobs
      const [entry] = unsettled
      expect([jobs.length, unsettled.length, entry?.state, entry?.key.instanceId]).toStrictEqual([1, 1, "Intent", instanceId])
      const jobId = job?.id ?? ""
      const submission = entry?.id ?? ""
      const ledgerFailure = new RestoreLedger.LedgerError({
        ledger: filename,
        reason: "Failed",
        detail: "settling a submission: the disk refused the outcome"
      })
      expect(error).toStrictEqual(new RestoreLedger.JobNotRecorded({ instanceId, jobId, reconciled: false, submission, ledgerFailure }))
      expect(error.message).toBe(
        `The restore on instance ${instanceId} created job ${jobId}, but its outcome could not be recorded: ${ledgerFailure.message} ` +
          "The restore ledger does not know this job yet: run recover (dds-restore recover, RestoreClient.recover) once the ledger can be used, " +
          `to record it for submission ${submission}, left unsettled. Do not submit the restore again: follow job ${jobId} ` +
          `(dds-restore job ${jobId} --wait, RestoreClient.waitForJob).`
      )
      expect(refused.map((r) => [r.entry.id, r.outcome, r.left, r.problem])).toStrictEqual([
        [submission, undefined, "LedgerError", `its job ${jobId} was found in the task list, but could not be recorded: ${ledgerFailure.message}`]
      ])
      expect(recovered.map((r) => [r.entry.id, r.outcome, r.left])).toStrictEqual([
        [submission, RestoreLedger.Outcome.Submitted({ jobId, reconciled: true }), undefined]
      ])
    }), 60_000)

  it.live("a lost answer whose job was found in the task list: reconciled, and said so", () =>
    Effect.gen(function*() {
      const { error, jobs, unsettled } = yield* restoreUnrecorded("reconciled", Fault.dropAnswer())
      const [job] = jobs
      const [entry] = unsettled
      expect([jobs.length, unsettled.length, entry?.state]).toStrictEqual([1, 1, "Sent"])
      expect(error).toMatchObject({ _tag: "JobNotRecorded", jobId: job?.id, reconciled: true, submission: entry?.id })
      expect(error.message).toContain(
        `created job ${job?.id} (its answer was lost; the job was found in the task list), but its outcome could not be recorded: `
      )
    }), 60_000)

  it.live("a lost answer whose lookup found no job, NotStarted refused by the ledger: unknown, left unsettled, the ledger's failure said", () =>
    Effect.gen(function*() {
      const { error, filename, jobs, recovered, unsettled } = yield* restoreUnrecorded("absent", Fault.serverError(503), "NotStarted")
      const [entry] = unsettled
      expect([jobs.length, unsettled.length, entry?.state]).toStrictEqual([0, 1, "Sent"])
      const ledgerFailure = new RestoreLedger.LedgerError({ ledger: filename, reason: "Failed", detail: "settling a submission: the disk refused the outcome" })
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, unsettled: entry?.id, ledgerFailure })
      expect(error._tag === "RestoreOutcomeUnknown" && [error.candidates, error.lookupFailure, error.error?._tag]).toStrictEqual([undefined, undefined, "ServiceError"])
      expect(error.message).toContain(
        ` Then its outcome could not be settled: the restore ledger failed. Its outcome was not recorded: submission ${entry?.id} is left unsettled ` +
          `in the restore ledger, for recover (RestoreClient.recover, dds-restore recover) to settle from the task list. The ledger's failure: ${ledgerFailure.message} `
      )
      // The trigger gone, recover records what the task list shows: nothing started.
      expect(recovered.map((r) => [r.entry.id, r.outcome])).toStrictEqual([[entry?.id, RestoreLedger.Outcome.NotStarted()]])
    }), 60_000)

  it.live("a lost answer that the ledger cannot even mark as lost: unknown, left unsettled as an intent, the ledger's failure said", () =>
    Effect.gen(function*() {
      const { error, filename, unsettled } = yield* restoreUnrecorded("unmarked", Fault.dropAnswer(), "Sent")
      const [entry] = unsettled
      expect([unsettled.length, entry?.state]).toStrictEqual([1, "Intent"])
      const ledgerFailure = new RestoreLedger.LedgerError({ ledger: filename, reason: "Failed", detail: "journaling a lost answer: the disk refused the outcome" })
      expect(error).toMatchObject({ _tag: "RestoreOutcomeUnknown", instanceId, unsettled: entry?.id, ledgerFailure })
      expect(error.message).toContain(" Then its outcome could not be settled: the restore ledger failed. Its outcome was not recorded: ")
    }), 60_000)

  it.live("a refusal the ledger cannot record: the caller gets the refusal, the submission is left unsettled, and recover settles it", () =>
    Effect.gen(function*() {
      const { error, filename, logs, recovered, refused, unsettled } = yield* restoreUnrecorded("refused", Fault.serverError(400), "Refused")
      const [entry] = unsettled
      expect([error._tag, error._tag === "ServiceError" ? error.status : undefined, entry?.state]).toStrictEqual(["ServiceError", 400, "Intent"])
      const ledgerFailure = new RestoreLedger.LedgerError({ ledger: filename, reason: "Failed", detail: "settling a submission: the disk refused the outcome" })
      expect(logs).toStrictEqual([
        `The refusal of submission ${entry?.id} to instance ${instanceId} could not be recorded: ${ledgerFailure.message} ` +
        "It stays unsettled in the restore ledger until recover (dds-restore recover, RestoreClient.recover) settles it."
      ])
      // Only a refusal is refused by this ledger: recover records what the task list shows, nothing started.
      expect([refused.map((r) => [r.entry.id, r.outcome]), recovered]).toStrictEqual([[[entry?.id, RestoreLedger.Outcome.NotStarted()]], []])
    }), 60_000)
  it.live("a job reconcile finds for a submission made elsewhere, on a ledger that cannot journal it: JobNotRecorded gives the job, naming no submission", () =>
    Effect.gen(function*() {
      const { filename, ledger, plan, world } = yield* refusing(
        "found-elsewhere",
        "CREATE TRIGGER refuse_journal BEFORE INSERT ON dds_restore_submissions BEGIN SELECT RAISE(ABORT, 'the disk refused the journal'); END"
      )
      yield* Effect.gen(function*() {
        // Restored elsewhere: another process, with a ledger of its own.
        const elsewhere = yield* RestoreClient.make({ holder: "elsewhere" }).pipe(Effect.provideService(RestoreLedger.RestoreLedger, yield* RestoreLedger.makeMemory))
        const submittedAt = Date.now()
        const { jobId } = yield* elsewhere.restore(instanceId, plan)
        const dds = yield* RestoreClient.RestoreClient
        const error = yield* Effect.flip(dds.reconcile(instanceId, submittedAt, { wait: "1 second", interval: "100 millis" }))
        const ledgerFailure = new RestoreLedger.LedgerError({ ledger: filename, reason: "Failed", detail: "journaling a submission: the disk refused the journal" })
        expect(error).toStrictEqual(new RestoreLedger.JobNotRecorded({ instanceId, jobId, reconciled: true, ledgerFailure }))
        expect(error.message).toContain(`created job ${jobId} (its answer was lost; the job was found in the task list), but its outcome could not be recorded: `)
        expect(error.message).toContain("nothing of it was journaled, so recover has nothing to settle. Do not submit the restore again")
        expect(yield* (yield* RestoreLedger.RestoreLedger).unsettled()).toStrictEqual([])
      }).pipe(Effect.provide(RestoreClient.layerWithoutLedger({ holder: "runner" }).pipe(Layer.provideMerge(world), Layer.provideMerge(ledger))))
    }), 60_000)
})
