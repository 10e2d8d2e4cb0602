// The API gateway's AK/SK check in front of the fake service: what it lets through, and the 401
// it answers with otherwise (APIGW.0301 and the gateway's wording).
import type { DdsRequest } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import type * as Redacted from "effect/Redacted"

/** The gateway's 401 for a request it refuses. */
export interface Refused {
  readonly code: "APIGW.0301"
  readonly message: string
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
 * Checks a request's AK/SK signature as the gateway does; `undefined` when it holds. The date is
 * checked at the time the request claims (so it always passes here): the fake service checks it
 * against its own clock, which a clock-skew fault moves away from this machine's.
 */
export const check = (
  request: DdsRequest.DdsRequest,
  lookupSecret: (accessKeyId: string) => Redacted.Redacted<string> | undefined
): Refused | undefined => {
  const signedAt = AkSkSigner.parseSdkDate(request.headers["x-sdk-date"] ?? "") ?? 0
  const verification = AkSkSigner.verify(request, lookupSecret, signedAt)
  if (verification._tag === "Valid") return undefined
  return {
    code: "APIGW.0301",
    message: `Incorrect IAM authentication information: ${wording[verification.reason]}:${verification.detail}`
  }
}
