// The API gateway's AK/SK check in front of the fake service: what it lets through, and the 401
// it answers with otherwise (APIGW.0301 and the gateway's wording).
import { type DdsRequest, SdkDate } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import type * as Redacted from "effect/Redacted"

/** The gateway's 401 for a request it refuses. */
export interface Refused {
  readonly code: "APIGW.0301"
  readonly message: string
}

// The gateway's own words for each failed check, followed by the verifier's detail (which part was
// wrong) where the words alone do not say it.
const explain = (invalid: AkSkSigner.Invalid): string => {
  switch (invalid.reason) {
    case "MissingAuthorization":
      return "Authorization not found in header"
    case "MissingDate":
      return "X-Sdk-Date not found in header"
    case "UnknownAccessKey":
      return `get secretkey from aksk fail:${invalid.detail}`
    case "Expired":
      return `calc aksk signature fail:${invalid.detail}`
    case "MalformedAuthorization":
    case "SignatureMismatch":
      return `verify aksk signature fail:${invalid.detail}`
  }
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
  const signedAt = SdkDate.parse(request.headers["x-sdk-date"] ?? "") ?? 0
  const verification = AkSkSigner.verify(request, lookupSecret, signedAt)
  if (verification._tag === "Valid") return undefined
  return {
    code: "APIGW.0301",
    message: `Incorrect IAM authentication information: ${explain(verification)}`
  }
}
