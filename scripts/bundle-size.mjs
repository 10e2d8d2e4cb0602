// What our packages weigh in a user's bundle: three typical imports, each bundled with esbuild
// (ESM, minified, tree-shaken, platform node) from the built dist, and gzipped. Each is shown next
// to its floor, a bundle of the same Effect (and @effect/platform) modules doing the same kind of
// work with none of our code, so what we add is visible. Writes docs/bundle-size.md.
//
// Usage: node scripts/bundle-size.mjs [--skip-build]   (after `pnpm install`; builds the packages first)
import { spawnSync } from "node:child_process"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const work = path.join(root, ".tmp/bundle-size")

/** The most the domain may add, gzipped, over its floor. */
const DOMAIN_BUDGET_BYTES = 15 * 1024

const cases = [
  {
    name: "domain alone: decode and encode a plan",
    packages: ["domain"],
    budget: DOMAIN_BUDGET_BYTES,
    entry: `
import { RestorePlan } from "@dds-restore/domain"
import * as Effect from "effect/Effect"
export const decode = (input) => Effect.runSync(RestorePlan.decode(input, { now: Date.now() }))
export const encode = RestorePlan.encode
`,
    floor: `
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
const Body = Schema.Struct({ database: Schema.String, at: Schema.optionalWith(Schema.NumberFromString, { exact: true }) })
const decodeBody = Schema.decodeUnknownEither(Schema.Struct({ entries: Schema.Array(Body) }), { errors: "all" })
export const decode = (input) =>
  Effect.runSync(Effect.suspend(() => {
    const result = decodeBody(input)
    return Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(ParseResult.ArrayFormatter.formatErrorSync(result.left))
  }))
export const encode = Schema.encodeSync(Body)
`
  },
  {
    name: "client + transport-http + signer-aksk: a RestoreClient layer",
    packages: ["domain", "client", "transport-http", "signer-aksk"],
    entry: `
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"
export const RestoreClientLive = RestoreClient.layer().pipe(
  Layer.provide(HttpTransport.layer().pipe(Layer.provide(FetchHttpClient.layer))),
  Layer.provide(AkSkSigner.layerConfig()),
  Layer.provide(DdsConfig.layerConfig())
)
`,
    floor: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
class Api extends Context.Tag("Api")() {}
const Job = Schema.Struct({ job_id: Schema.String })
export const ApiLive = Layer.effect(Api, Effect.gen(function*() {
  const http = yield* HttpClient.HttpClient
  const url = yield* Config.string("URL")
  const secret = yield* Config.redacted("SECRET")
  return {
    call: http.get(url, { headers: { authorization: Redacted.value(secret) } }).pipe(
      Effect.flatMap((response) => response.json),
      Effect.flatMap(Schema.decodeUnknown(Job)),
      Effect.retry(Schedule.exponential("500 millis"))
    )
  }
})).pipe(Layer.provide(FetchHttpClient.layer))
`
  },
  {
    name: "testing kit: FakeDds.layerMemory",
    packages: ["domain", "client", "testing"],
    entry: `
import { FakeDds, Seed } from "@dds-restore/testing"
export const FakeLive = (instances) => FakeDds.layerMemory(Seed.make({ instances }))
`,
    floor: `
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import * as SynchronizedRef from "effect/SynchronizedRef"
class Fake extends Context.Tag("Fake")() {}
const Body = Schema.parseJson(Schema.Struct({ id: Schema.String }))
export const FakeLive = (seed) => Layer.effect(Fake, Effect.gen(function*() {
  const state = yield* SynchronizedRef.make(seed)
  return {
    handle: (text) => Effect.gen(function*() {
      const body = yield* Schema.decodeUnknown(Body)(text)
      const now = yield* Clock.currentTimeMillis
      const id = yield* Random.nextIntBetween(0, 1000)
      return yield* SynchronizedRef.updateAndGet(state, (s) => ({ ...s, [body.id]: now + id }))
    })
  }
}))
`
  }
]

// The entry imports the packages' dist (what users bundle); effect and @effect/platform come from
// the packages' own node_modules, so every bundle uses the versions the workspace pins.
const bundle = async (name, source, packages) => {
  const file = path.join(work, `${name}.mjs`)
  await writeFile(file, source)
  const alias = Object.fromEntries(packages.map((p) => [`@dds-restore/${p}`, path.join(root, "packages", p, "dist/index.js")]))
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    alias,
    nodePaths: packages.map((p) => path.join(root, "packages", p, "node_modules")),
    logLevel: "error"
  })
  const code = result.outputFiles[0].contents
  return { min: code.length, gzip: gzipSync(code).length }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

const main = async () => {
  if (!process.argv.includes("--skip-build")) {
    const pnpm = process.env.npm_execpath?.includes("pnpm")
      ? [process.execPath, [process.env.npm_execpath]]
      : ["npx", ["-y", "pnpm@10.34.9"]]
    const built = spawnSync(pnpm[0], [...pnpm[1], "exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
      cwd: root,
      stdio: "inherit"
    })
    if (built.status !== 0) throw new Error("the build failed")
  }
  await mkdir(work, { recursive: true })
  const rows = []
  let overBudget = false
  for (const [i, c] of cases.entries()) {
    const ours = await bundle(`case-${i}`, c.entry, c.packages)
    const floor = await bundle(`floor-${i}`, c.floor, c.packages)
    const added = ours.gzip - floor.gzip
    const verdict = c.budget === undefined ? "" : added <= c.budget ? `within ${kb(c.budget)}` : `OVER ${kb(c.budget)}`
    if (c.budget !== undefined && added > c.budget) overBudget = true
    rows.push(`| ${c.name} | ${kb(ours.min)} | ${kb(ours.gzip)} | ${kb(floor.gzip)} | +${kb(added)} | ${verdict} |`)
  }
  const versions = JSON.parse(await readFile(path.join(root, "node_modules/effect/package.json"), "utf8")).version
  const table = [
    "| what the user imports | minified | gzipped | floor, gzipped | we add, gzipped | budget |",
    "|---|---:|---:|---:|---:|---|",
    ...rows
  ].join("\n")
  const doc = `# Bundle size

What a user's bundle weighs for three typical imports: esbuild, ESM, minified, tree-shaken,
platform node, from the built \`dist\`, gzipped. The floor is a bundle of the same Effect (and
\`@effect/platform\`) modules doing the same kind of work with none of our code, so the last
column is what our packages add. effect ${versions}. Regenerate with \`pnpm size\`
(\`scripts/bundle-size.mjs\`, which holds the exact entries).

${table}

The domain's budget is ${kb(DOMAIN_BUDGET_BYTES)} gzipped over its floor; \`pnpm size\` fails above it.
`
  await mkdir(path.join(root, "docs"), { recursive: true })
  await writeFile(path.join(root, "docs/bundle-size.md"), doc)
  console.log(table)
  if (overBudget) {
    console.error("\nthe domain is over its budget")
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
