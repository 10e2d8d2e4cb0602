import { describe, expect, it } from "@effect/vitest"
import { Namespace } from "@dds-restore/domain"

describe("Namespace", () => {
  it("a collection without a new name is restored as <old>_bak_<ms>", () => {
    expect(Namespace.defaultRestoredName("orders", 1607762955000)).toBe("orders_bak_1607762955000")
    expect(Namespace.finalName({ oldName: "orders" }, 1607762955000)).toBe("orders_bak_1607762955000")
    expect(Namespace.defaultRestoredNameLength("orders")).toBe("orders_bak_1607762955000".length)
    expect(Namespace.defaultRestoredNameLength("名前")).toBe(6 + "_bak_1607762955000".length)
  })

  it("a collection with a new name keeps it", () => {
    expect(Namespace.finalName({ oldName: "orders", newName: "orders_old" }, 1607762955000)).toBe("orders_old")
  })

  it("the namespace is <db>.<collection>, at most 120 bytes", () => {
    expect(Namespace.make("shop", "orders")).toBe("shop.orders")
    expect(Namespace.MAX_LENGTH).toBe(120)
  })

  it("lengths are UTF-8 bytes, as MongoDB counts them", () => {
    expect(Namespace.byteLength("shop.orders")).toBe(11)
    expect(Namespace.byteLength("données")).toBe(8)
    expect(Namespace.byteLength("名前")).toBe(6)
    expect(Namespace.byteLength("😀")).toBe(4)
    expect(Namespace.byteLength("a\ud800b")).toBe(5)
  })
})
