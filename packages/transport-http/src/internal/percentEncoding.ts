/**
 * The percent-encoding the AK/SK signature uses for the canonical query, applied to the query that
 * is actually sent, so that what the gateway reads back is byte for byte what was signed. It is kept
 * here rather than imported from the signer because the transport must not depend on any signer; a
 * test checks that both agree.
 */

const encoder = new TextEncoder()

// For each byte: itself when unreserved (A-Z a-z 0-9 - _ . ~), else `%XX` in upper-case hex.
const byteText: ReadonlyArray<string> = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte)
  return /^[A-Za-z0-9\-_.~]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
})

/** Every UTF-8 byte of the text percent-encoded, except the unreserved characters. */
export const percentEncode = (text: string): string => {
  let out = ""
  for (const byte of encoder.encode(text)) out += byteText[byte]
  return out
}

/** The query string (without `?`) of the pairs, in their order, each key and value percent-encoded. */
export const encodeQuery = (query: ReadonlyArray<readonly [string, string]>): string =>
  query.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join("&")
