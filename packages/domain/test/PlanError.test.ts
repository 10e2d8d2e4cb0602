import { describe, expect, it } from "@effect/vitest"
import { PlanError } from "@dds-restore/domain"

describe("PlanError", () => {
  it("lists every issue on its own line, path first", () => {
    const error = new PlanError.PlanError({
      issues: [
        { path: ["restore_collections", 2, "collections", 0, "new_name"], message: "too long" },
        { path: [], message: "not JSON" }
      ]
    })
    expect(error._tag).toBe("PlanError")
    expect(error.message).toBe("restore_collections[2].collections[0].new_name: too long\nplan: not JSON")
  })

  it("formats paths as a person writes them", () => {
    expect(PlanError.formatPath(["restore_collections", 0, "database"])).toBe("restore_collections[0].database")
    expect(PlanError.formatPath([])).toBe("plan")
  })
})
