// Signing one 10-collection restore request: ours, the official SDK core's, and the floor (the
// hashing and the HMAC alone, over a canonical request built beforehand).
import { DdsRequest } from "@dds-restore/client"
import { AkSkSigner } from "@dds-restore/signer-aksk"
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js"
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js"
import * as Redacted from "effect/Redacted"
import { createHmac, hash } from "node:crypto"
import { bench, describe } from "vitest"

const accessKeyId = "HPUAK3ZW9XQ0D2EXAMPL"
const secret = "Xk9fQ2pL7mW4rT8vB1nC6yH3jD5sG0aE2uI7oP4q"
const date = "20240301T120000Z"
const projectId = "0c7e4a2b9d1f4e6a8b3c5d7e9f1a2b3c"
const host = "dds.ap-southeast-1.myhuaweicloud.com"
const path = `/v3/${projectId}/instances/3b9f1c2d4e5f4a6b8c7d9e0f1a2b3c4din02/restore/collections`

const payload = {
  restore_collections: Array.from({ length: 10 }, (_, i) => ({
    database: `shop_${i}`,
    collections: [{ old_name: `orders_${i}`, new_name: `orders_${i}_20240301`, restore_collection_time: "1709294400000" }]
  }))
}
const body = JSON.stringify(payload)
const headers = { "content-type": "application/json", "x-project-id": projectId }

const request = DdsRequest.make({ method: "POST", url: `https://${host}${path}`, headers, body })
const credentials = { accessKeyId, secretAccessKey: Redacted.make(secret) }

const official = new BasicCredentials().withAk(accessKeyId).withSk(secret)

const canonical = AkSkSigner.canonicalRequest(
  AkSkSigner.signRequest(request, credentials, date),
  ["content-type", "host", "x-project-id", "x-sdk-date"]
)

// Long enough runs that a busy machine's pauses do not decide the means.
const options = { time: 3000, warmupTime: 500 }

describe("sign a 10-collection restore request", () => {
  bench("ours: AkSkSigner.signRequest", () => {
    AkSkSigner.signRequest(request, credentials, date)
  }, options)

  bench("official: huaweicloud-sdk-core AKSKSigner.sign", () => {
    AKSKSigner.sign(
      { endpoint: `https://${host}${path}`, method: "POST", queryParams: {}, headers: { ...headers, "X-Sdk-Date": date }, data: payload },
      official
    )
  }, options)

  bench("floor: sha256(body) + sha256(prebuilt canonical request) + one HMAC", () => {
    hash("sha256", body)
    createHmac("sha256", secret).update("SDK-HMAC-SHA256\n" + date + "\n" + hash("sha256", canonical)).digest("hex")
  }, options)
})
