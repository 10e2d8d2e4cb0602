// Measures what one hostile input costs the built command line (issue 13), as peak memory (maximum
// resident set size) and wall time of the whole process under /usr/bin/time -v:
//   1. `dds-restore validate` of a 2 MB plan file with a million invalid entries (target: under
//      2 s and 300 MB);
//   2. `dds-restore job ID` against an endpoint that answers 1 GB (target: refused after the
//      transport's cap, peak under 200 MB), once with the length declared, once streamed.
// Run after `pnpm build`: node scripts/bench-hostile.mjs (prints one line per case, and JSON with --json).
import { Buffer } from "node:buffer"
import { spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../", import.meta.url))
const bin = path.join(root, "apps/demo/dist/bin.js")
const dir = mkdtempSync(path.join(tmpdir(), "dds-restore-bench-hostile-"))

// Runs the bin under /usr/bin/time -v and reads its peak RSS and wall time.
const measured = (args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-v", process.execPath, bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: dir, XDG_CACHE_HOME: dir, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = 0
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk.length))
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", () => {
      const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1])
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(stderr)?.[1] ?? "?"
      const seconds = wall.split(":").reduce((total, part) => total * 60 + Number(part), 0)
      const code = Number(/Exit status: (\d+)/.exec(stderr)?.[1])
      const message = stderr.split("\n").find((line) => line.startsWith("error:")) ?? ""
      resolve({ command: `/usr/bin/time -v node ${path.relative(root, bin)} ${args.join(" ")}`, code, seconds, peakMb: Math.round(rssKb / 1024), stdoutBytes: stdout, message: message.slice(0, 200) })
    })
  })

// An endpoint answering every request with `size` bytes of JSON-looking text, its length declared or not.
const endless = (size, declare) =>
  new Promise((resolve) => {
    const server = Http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { "content-type": "application/json", ...(declare ? { "content-length": String(size) } : {}) })
      const chunk = Buffer.alloc(64 * 1024, "[")
      let sent = 0
      const write = () => {
        while (sent < size && !res.destroyed) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once("drain", write)
        }
        if (!res.destroyed) res.end()
      }
      res.on("error", () => undefined)
      write()
    })
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

const results = []

const plan = path.join(dir, "million-invalid.json")
writeFileSync(plan, `{"restore_collections":[${Array.from({ length: 1_000_000 }, () => "1").join(",")}]}`)
results.push({ case: "validate, 2 MB plan, 1,000,000 invalid entries (--json)", ...(await measured(["validate", plan, "--json"], {})) })
results.push({ case: "validate, 2 MB plan, 1,000,000 invalid entries (text)", ...(await measured(["validate", plan], {})) })

const credentials = {
  HUAWEICLOUD_SDK_AK: "BENCHAK",
  HUAWEICLOUD_SDK_SK: "bench-secret",
  HUAWEICLOUD_SDK_PROJECT_ID: "0123456789abcdef0123456789abcdef"
}
for (const declare of [true, false]) {
  const server = await endless(1024 ** 3, declare)
  const url = `http://127.0.0.1:${server.address().port}`
  results.push({
    case: `job, a 1 GB answer (${declare ? "length declared" : "streamed, no length"})`,
    ...(await measured(["job", "a03b1b8a-b756-467c-8a49-38720c3d23ec", "--endpoint", url], credentials))
  })
  server.closeAllConnections()
  server.close()
}

if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2))
else for (const r of results) console.log(`${r.case}: exit ${r.code}, ${r.seconds} s, peak ${r.peakMb} MB, stdout ${r.stdoutBytes} bytes\n  ${r.command}\n  ${r.message}`)
