/**
 * The team's own `Signer`: the AK/SK pair is fetched from the team's secret store for every
 * request (so a rotated key is picked up without a restart) and the request is signed with the
 * AK/SK functions that `@dds-restore/signer-aksk` exports, at the time of the Effect `Clock`.
 */
import { SdkDate, Signer } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"

/** What the team's secret store gives: the current key pair, if one is provisioned. */
export type Vault = Effect.Effect<Option.Option<{ readonly accessKeyId: string; readonly secretAccessKey: Redacted.Redacted<string> }>>

export const layer = (vault: Vault): Layer.Layer<Signer.Signer> =>
  Signer.layer((request) =>
    Effect.gen(function*() {
      const credentials = yield* vault
      if (Option.isNone(credentials)) {
        return yield* new Signer.SignerError({
          reason: "MissingCredentials",
          detail: "the vault has no DDS key pair for this service: provision one under dds/restore-bot"
        })
      }
      const now = yield* Clock.currentTimeMillis
      return AkSkSigner.signRequest(request, credentials.value, SdkDate.format(now))
    }))
