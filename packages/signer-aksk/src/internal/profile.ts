// The INI dialect of the official SDKs' credentials file: `[section]` lines, `key = value` lines,
// `#` and `;` comment lines. Empty values count as absent, as they do for the environment.

/** Sections by name, each a map of its non-empty keys. */
export const parseProfile = (text: string): Map<string, Map<string, string>> => {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue
    const section = /^\[\s*([^\]]*?)\s*\]$/.exec(line)
    if (section !== null) {
      const name = section[1] ?? ""
      current = sections.get(name) ?? new Map<string, string>()
      sections.set(name, current)
      continue
    }
    const equals = line.indexOf("=")
    if (current === undefined || equals <= 0) continue
    const key = line.slice(0, equals).trim()
    const value = line.slice(equals + 1).trim()
    if (value !== "") current.set(key, value)
  }
  return sections
}
