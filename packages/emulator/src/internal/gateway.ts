// The API gateway's AK/SK check in front of the fake service: what it lets through, and the 401
// bodies it answers with (APIGW.0301 for a refused signature, APIGW.0303 for a stale X-Sdk-Date).
import type { DdsRequest } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import type * as Redacted from "effect/Redacted"

/** The gateway's answer to a request it refuses: a 401 with this code; the message is `Incorrect IAM authentication information: <detail>`. */
export interface Refused {
  readonly code: "APIGW.0301" | "APIGW.0303"
  readonly detail: string
}

// The gateway's own words for each failed check; the verifier's detail says which part was wrong.
const wording: Record<AkSkSigner.InvalidReason, string> = {
  MissingAuthorization: "Authorization not found in header",
  MissingDate: "X-Sdk-Date not found in header",
  MalformedAuthorization: "the Authorization header is malformed",
  UnknownAccessKey: "get secretkey from aksk fail",
  SignatureMismatch: "verify aksk signature fail",
  Expired: "calc aksk signature fail"
}

/**
 * Checks a request's AK/SK signature as the gateway does; `undefined` when it holds. `now` is the
 * service's clock (epoch ms), which the clock-skew fault may move.
 */
export const check = (
  request: DdsRequest.DdsRequest,
  lookupSecret: (accessKeyId: string) => Redacted.Redacted<string> | undefined,
  now: number
): Refused | undefined => {
  const verification = AkSkSigner.verify(request, lookupSecret, now)
  if (verification._tag === "Valid") return undefined
  return {
    code: verification.reason === "Expired" ? "APIGW.0303" : "APIGW.0301",
    detail: `${wording[verification.reason]}:${verification.detail}`
  }
}
