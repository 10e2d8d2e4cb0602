// Which call a request is, from its method and path (docs/service.md: the restore call, the calls around it, IAM tokens).
import { DdsRequest } from "@dds-restore/client"
import type * as Fault from "../Fault.js"

/** A recognised call and the ids in its path. */
export interface Route {
  readonly operation: Fault.Operation
  readonly projectId: string
  readonly instanceId: string
}

const patterns: ReadonlyArray<readonly [DdsRequest.Method, RegExp, Fault.Operation]> = [
  ["POST", /^\/v3\/([^/]+)\/instances\/([^/]+)\/restore\/collections$/, "restore"],
  ["GET", /^\/v3\/([^/]+)\/instances\/([^/]+)\/restore-time$/, "restoreTime"],
  ["GET", /^\/v3\/([^/]+)\/instances\/([^/]+)\/restore-database$/, "restoreDatabases"],
  ["GET", /^\/v3\/([^/]+)\/instances\/([^/]+)\/restore-collection$/, "restoreCollections"],
  ["GET", /^\/v3\/([^/]+)\/instances\/([^/]+)\/backups\/policy$/, "backupPolicy"],
  ["GET", /^\/v3\/([^/]+)\/instances()$/, "instances"],
  ["GET", /^\/v3\/([^/]+)\/jobs()$/, "job"],
  ["GET", /^\/v3\.1\/([^/]+)\/jobs()$/, "tasks"],
  ["POST", /^\/v3\/auth\/tokens()()$/, "iamToken"]
]

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The call a request makes, or `unknown` (the gateway's 404). */
export const match = (request: DdsRequest.DdsRequest): Route => {
  const path = DdsRequest.path(request)
  for (const [method, pattern, operation] of patterns) {
    const m = pattern.exec(path)
    if (m !== null && request.method === method) {
      return { operation, projectId: decodeSegment(m[1] ?? ""), instanceId: decodeSegment(m[2] ?? "") }
    }
  }
  return { operation: "unknown", projectId: "", instanceId: "" }
}

/** The first value of a query parameter. */
export const queryParam = (request: DdsRequest.DdsRequest, name: string): string | undefined =>
  request.query.find(([key]) => key === name)?.[1]
