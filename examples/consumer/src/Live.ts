/**
 * The production wiring: RestoreClient over HTTP (fetch), signed by the team's VaultSigner, with
 * the project and region from the environment (HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_REGION).
 */
import { DdsConfig, RestoreClient } from "@dds-restore/client"
import { HttpTransport } from "@dds-restore/transport-http"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as VaultSigner from "./VaultSigner.js"

export const layer = (vault: VaultSigner.Vault): Layer.Layer<RestoreClient.RestoreClient, ConfigError.ConfigError> =>
  RestoreClient.layer().pipe(
    Layer.provide(HttpTransport.layer({ timeout: "20 seconds" }).pipe(Layer.provide(FetchHttpClient.layer))),
    Layer.provide(VaultSigner.layer(vault)),
    Layer.provide(DdsConfig.layerConfig())
  )
