// What each consumer of scripts/test-packages.mjs does with its package: imports the main
// namespaces, uses their types, and calls something at runtime. Written in TypeScript,
// type-checked and compiled by tsc, run by node. Every packages/ folder needs one.

export const check = `
export const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error("check failed: " + what)
}
`

export const smokes = {
  domain: `
import { PlanError, RestorePlan, RestorePoint } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { check } from "./check.js"

const body = {
  restore_collections: [
    { database: "shop", collections: [{ old_name: "orders", new_name: "orders_fix", restore_collection_time: "1700000000000" }] }
  ]
}
const plan: RestorePlan.RestorePlan = Effect.runSync(RestorePlan.decode(body))
check(JSON.stringify(RestorePlan.encode(plan)) === JSON.stringify(body), "encode(decode(body)) is the body")

const refused: Either.Either<RestorePlan.RestorePlan, PlanError.PlanError> = Effect.runSync(
  Effect.either(RestorePlan.decode({ restore_collections: [{ database: "shop" }] }))
)
check(Either.isLeft(refused), "a database-level restore without a time is refused")
if (Either.isLeft(refused)) {
  const issue: PlanError.Issue | undefined = refused.left.issues[0]
  check(issue !== undefined && PlanError.formatPath(issue.path) === "restore_collections[0].restore_database_time", "the issue names its path")
}
const at: RestorePoint.RestorePoint = RestorePoint.make("2023-11-14T22:13:20Z")
check(RestorePoint.toWire(at) === "1700000000000", "an ISO time goes on the wire as epoch ms")
`,
  client: `
import { DdsConfig, DdsRequest, DdsResponse, RestoreClient, Signer, Transport } from "@dds-restore/client"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { check } from "./check.js"

const seen: Array<DdsRequest.DdsRequest> = []
const transport: Layer.Layer<Transport.Transport> = Transport.layer((request) => {
  seen.push(request)
  return Effect.succeed(DdsResponse.make({
    status: 200,
    headers: { "content-type": "application/json", "x-request-id": "r-1" },
    body: JSON.stringify({ backup_policy: { keep_days: 7, start_time: "00:00-01:00", period: "1,2,3,4,5,6,7", enable_incremental_backup: true } })
  }))
})
const signer: Layer.Layer<Signer.Signer> = Signer.layer((request) => Effect.succeed(DdsRequest.setHeaders(request, { "x-auth-token": "t" })))
const client = RestoreClient.layer().pipe(
  Layer.provide(Layer.mergeAll(transport, signer, DdsConfig.layer({ projectId: "p1", region: "cn-north-4" }))),
  Layer.orDie
)
const program = Effect.flatMap(RestoreClient.RestoreClient, (restore) => restore.backupPolicy("i-1"))
const policy = await Effect.runPromise(Effect.provide(program, client))
check(policy.enable_incremental_backup === true, "the answer is decoded")
check(seen[0]?.url === "https://dds.cn-north-4.myhuaweicloud.com/v3/p1/instances/i-1/backups/policy", "the URL is built from the region: " + seen[0]?.url)
check(seen[0]?.headers["x-auth-token"] === "t", "the request is signed")
`,
  "transport-http": `
import { DdsRequest, Transport } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { check } from "./check.js"

// A fetch that answers in-process: no network is touched.
const urls: Array<string> = []
const fetch: typeof globalThis.fetch = async (input) => {
  urls.push(input instanceof Request ? input.url : String(input))
  return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { "content-type": "application/json" } })
}
const live: Layer.Layer<Transport.Transport> = HttpTransport.layer({ timeout: "5 seconds" }).pipe(
  Layer.provide(FetchHttpClient.layer),
  Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
)
const request = DdsRequest.make({ method: "GET", url: "https://dds.example.com/v3/p/jobs", query: [["id", "a b"]] })
const response = await Effect.runPromise(Effect.provide(Effect.flatMap(Transport.Transport, (t) => t.send(request)), live))
check(response.status === 200 && response.body === '{"ok":true}', "the answer comes back: " + response.body)
check(urls[0] === "https://dds.example.com/v3/p/jobs?id=a%20b", "the query is percent-encoded: " + urls[0])
`,
  "ledger-sql": `/// <reference types="node" />
import { RestoreLedger } from "@dds-restore/client"
import { LedgerSql } from "@dds-restore/ledger-sql"
import * as Effect from "effect/Effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { check } from "./check.js"

// An SQLite ledger in a new folder: created on first use, a lease, a submission, its job claimed.
const filename = path.join(mkdtempSync(path.join(tmpdir(), "ledger-smoke-")), "state", "ledger.db")
const key: RestoreLedger.InstanceKey = { endpoint: "https://dds.example.com", projectId: "p1", instanceId: "rs0" }
const program = Effect.gen(function*() {
  const ledger = yield* RestoreLedger.RestoreLedger
  const lease = yield* ledger.acquire(key, { holder: "smoke", ttl: "30 seconds", wait: "0 seconds" })
  yield* ledger.record(lease, { id: "s1", key, holder: "smoke", at: Date.now(), body: "{}", hash: "h", searchFrom: 0, before: [] })
  yield* ledger.settle(lease, "s1", RestoreLedger.Outcome.Submitted({ jobId: "j1", reconciled: false }))
  yield* ledger.release(lease)
  return yield* ledger.claims(key, ["j1"])
})
const claims = await Effect.runPromise(Effect.scoped(Effect.provide(program, LedgerSql.layerSqlite({ filename }))))
check(claims.get("j1") === "s1", "the job is claimed by its submission")
`,
  "signer-aksk": `
import { DdsRequest, SdkDate } from "@dds-restore/client"
import { AkSkSigner, type Credentials } from "@dds-restore/signer-aksk"
import * as Redacted from "effect/Redacted"
import { check } from "./check.js"

const credentials: Credentials.Credentials = { accessKeyId: "AK0001", secretAccessKey: Redacted.make("sk-secret") }
const request = DdsRequest.make({ method: "GET", url: "https://dds.example.com/v3/p/jobs", query: [["id", "1"]] })
const now = Date.UTC(2026, 0, 1)
const signed = AkSkSigner.signRequest(request, credentials, SdkDate.format(now))
check(signed.headers["authorization"]?.startsWith("SDK-HMAC-SHA256 Access=AK0001, ") === true, "the request is signed")
const verdict: AkSkSigner.Verification = AkSkSigner.verify(signed, (ak) => ak === "AK0001" ? credentials.secretAccessKey : undefined, now)
check(verdict._tag === "Valid", "the signature verifies")
check(!JSON.stringify(signed).includes("sk-secret"), "the secret is not in the request")
`,
  "signer-iam-token": `
import { DdsRequest, DdsResponse, Signer, Transport } from "@dds-restore/client"
import { TokenProvider, TokenSigner } from "@dds-restore/signer-iam-token"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { check } from "./check.js"

// IAM answered in-process: a token in X-Subject-Token, valid for a long time.
const iam: Layer.Layer<Transport.Transport> = Transport.layer(() =>
  Effect.succeed(DdsResponse.make({
    status: 201,
    headers: { "x-subject-token": "token-1", "content-type": "application/json" },
    body: JSON.stringify({ token: { expires_at: "2099-01-01T00:00:00.000000Z" } })
  })))
const options: TokenProvider.Options = {
  endpoint: "https://iam.example.com",
  userName: "bot",
  domainName: "acme",
  password: Redacted.make("pw"),
  project: { name: "cn-north-4" }
}
const signer: Layer.Layer<Signer.Signer, Signer.SignerError> = TokenSigner.layer.pipe(
  Layer.provide(TokenProvider.layer(options)),
  Layer.provide(iam)
)
const request = DdsRequest.make({ method: "GET", url: "https://dds.example.com/v3/p/jobs" })
const signed = await Effect.runPromise(Effect.provide(Effect.flatMap(Signer.Signer, (s) => s.sign(request)), signer))
check(signed.headers["x-auth-token"] === "token-1", "the token is sent")
`,
  testing: `
import { DdsConfig, RestoreClient, Signer } from "@dds-restore/client"
import { RestorePlan } from "@dds-restore/domain"
import { FakeDds, Seed } from "@dds-restore/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { check } from "./check.js"

const now = Date.now()
const seed: Seed.Seed = Seed.make({
  instances: [
    Seed.replicaSet({ id: "rs1", name: "orders", windows: [{ start: now - 86_400_000, end: now }], databases: { shop: ["orders"] } })
  ]
})
const client = RestoreClient.layer().pipe(
  Layer.provideMerge(FakeDds.layerMemory(seed, { requireSigning: false })),
  Layer.provide(Signer.layerUnsigned),
  Layer.provide(DdsConfig.layer({ projectId: Seed.defaultProjectId, endpoint: "https://dds.example.com" })),
  Layer.orDie
)
const plan = RestorePlan.make([RestorePlan.collections("shop", [RestorePlan.collection({ oldName: "orders", at: now - 3_600_000 })])])
const jobs = await Effect.runPromise(Effect.provide(
  Effect.gen(function*() {
    const restore = yield* RestoreClient.RestoreClient
    yield* restore.restore("rs1", plan)
    return yield* (yield* FakeDds.FakeDds).jobs
  }),
  client
))
check(jobs.length === 1 && jobs[0]?.instanceId === "rs1", "the fake accepted the restore")
`,
  emulator: `
import { Emulator } from "@dds-restore/emulator"
import * as Effect from "effect/Effect"
import { check } from "./check.js"

const state = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const emulator: Emulator.Service = yield* Emulator.make({ port: 0 })
  check(emulator.url.startsWith("http://127.0.0.1:"), "it listens on loopback: " + emulator.url)
  const response = yield* Effect.promise(() => fetch(emulator.url + Emulator.statePath))
  return (yield* Effect.promise(() => response.json())) as { project_id: string }
})))
check(typeof state.project_id === "string" && state.project_id.length > 0, "the state page answers")
`
}
