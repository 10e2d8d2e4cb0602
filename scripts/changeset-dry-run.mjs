// Shows what `changeset version` would do with a change to @dds-restore/domain, without publishing
// and without touching this working tree: copies the manifests and .changeset/ to a temp dir, puts
// one sample changeset there (domain: minor) in place of the pending ones, runs `changeset version`
// and checks that domain gets its minor bump, that every package depending on it (directly or
// through another package) gets a patch bump per .changeset/config.json, and that each bumped
// package got a CHANGELOG.md.
//
// Usage: node scripts/changeset-dry-run.mjs
import { execFileSync } from "node:child_process"
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const SUMMARY = "Sample change for the dry run: plans accept a new field."

// What `changeset version` would change if it ran here (others may be editing sources meanwhile).
const gitStatus = () =>
  execFileSync("git", ["status", "--porcelain", "--", ".changeset", "*package.json", "*CHANGELOG.md"], { cwd: root, encoding: "utf8" })

const readJson = async (file) => JSON.parse(await readFile(file, "utf8"))

/** Every workspace package folder (packages/*, apps/*) with its manifest. */
const workspace = async (base) => {
  const found = new Map()
  for (const group of ["packages", "apps"]) {
    for (const folder of await readdir(path.join(base, group))) {
      const file = path.join(base, group, folder, "package.json")
      if (existsSync(file)) found.set(`${group}/${folder}`, await readJson(file))
    }
  }
  return found
}

const main = async () => {
  const before = gitStatus()
  const config = await readJson(path.join(root, ".changeset/config.json"))
  const temp = await mkdtemp(path.join(tmpdir(), "dds-changeset-"))
  try {
    const packages = await workspace(root)
    for (const file of ["package.json", "pnpm-workspace.yaml"]) await cp(path.join(root, file), path.join(temp, file))
    for (const folder of packages.keys()) {
      await mkdir(path.join(temp, folder), { recursive: true })
      await cp(path.join(root, folder, "package.json"), path.join(temp, folder, "package.json"))
    }
    await mkdir(path.join(temp, ".changeset"))
    for (const file of ["config.json", "README.md"]) {
      if (existsSync(path.join(root, ".changeset", file))) await cp(path.join(root, ".changeset", file), path.join(temp, ".changeset", file))
    }
    await writeFile(path.join(temp, ".changeset/dry-run-sample.md"), `---\n"@dds-restore/domain": minor\n---\n\n${SUMMARY}\n`)
    // The changelog generator named in config.json is resolved from the copy's node_modules.
    await symlink(path.join(root, "node_modules"), path.join(temp, "node_modules"), "dir")

    execFileSync(path.join(root, "node_modules/.bin/changeset"), ["version"], { cwd: temp, stdio: "pipe" })

    // Expected: domain minor; every package that depends on a bumped one, patch (config's
    // updateInternalDependencies, and a 0.0.x range does not admit the next version).
    const byName = new Map([...packages].map(([folder, m]) => [m.name, { folder, manifest: m }]))
    const expected = new Map([["@dds-restore/domain", "minor"]])
    let grew = true
    while (grew) {
      grew = false
      for (const [name, { manifest }] of byName) {
        if (expected.has(name) || (manifest.private && config.privatePackages?.version === false)) continue
        const deps = { ...manifest.dependencies, ...manifest.peerDependencies }
        if (Object.keys(deps).some((dep) => expected.has(dep))) {
          expected.set(name, "patch")
          grew = true
        }
      }
    }

    const problems = []
    const rows = []
    for (const [name, { folder, manifest }] of byName) {
      const after = await readJson(path.join(temp, folder, "package.json"))
      const [major, minor, patch] = manifest.version.split(".").map(Number)
      const bump = expected.get(name)
      const wanted = bump === "minor" ? `${major}.${minor + 1}.0` : bump === "patch" ? `${major}.${minor}.${patch + 1}` : manifest.version
      const changelog = path.join(temp, folder, "CHANGELOG.md")
      const hasChangelog = existsSync(changelog)
      rows.push(`  ${name.padEnd(32)} ${manifest.version} -> ${after.version.padEnd(6)} ${bump ?? "unchanged"}${hasChangelog ? ", CHANGELOG.md written" : ""}`)
      if (after.version !== wanted) problems.push(`${name}: ${manifest.version} became ${after.version}, expected ${wanted} (${bump ?? "no bump"})`)
      if (bump !== undefined && !hasChangelog) problems.push(`${name}: no CHANGELOG.md was written`)
      if (bump === "minor" && hasChangelog && !(await readFile(changelog, "utf8")).includes(SUMMARY)) {
        problems.push(`${name}: its CHANGELOG.md does not carry the changeset's summary`)
      }
    }
    if (existsSync(path.join(temp, ".changeset/dry-run-sample.md"))) problems.push("the sample changeset was not consumed")
    console.log(`changeset version on a sample "@dds-restore/domain": minor changeset:\n${rows.join("\n")}`)

    if (gitStatus() !== before) problems.push("the working tree changed during the dry run")
    if (problems.length > 0) {
      console.error(`\n${problems.join("\n")}`)
      process.exitCode = 1
    } else {
      console.log("ok: the right packages are bumped and their changelogs written; nothing was published or changed here")
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
