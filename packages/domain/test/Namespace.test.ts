import { describe, expect, it } from "@effect/vitest"
import { Namespace } from "@dds-restore/domain"

describe("Namespace", () => {
  it("a collection without a new name is restored as <old>_bak_<ms>", () => {
    expect(Namespace.defaultRestoredName("orders", 1607762955000)).toBe("orders_bak_1607762955000")
    expect(Namespace.finalName({ oldName: "orders" }, 1607762955000)).toBe("orders_bak_1607762955000")
    expect(Namespace.defaultRestoredNameLength("orders")).toBe("orders_bak_1607762955000".length)
  })

  it("a collection with a new name keeps it", () => {
    expect(Namespace.finalName({ oldName: "orders", newName: "orders_old" }, 1607762955000)).toBe("orders_old")
  })

  it("the namespace is <db>.<collection>, at most 120 characters", () => {
    expect(Namespace.make("shop", "orders")).toBe("shop.orders")
    expect(Namespace.MAX_LENGTH).toBe(120)
  })
})
