// Run before every test file of every project (vitest.shared.ts `setupFiles`): failing assertions on
// Effect errors are reported as what they are, never as "Maximum call stack size exceeded".
//
// An error an Effect fails with inside a span (every RestoreClient operation runs in one) is
// wrapped by effect in a Proxy carrying the span. Object.prototype.toString of that Proxy is
// "[object Object]", so chai's inspect (loupe), which formats the message of a failing
// `expect(error).toMatchObject(...)`, does not take its Error path: it calls the object's
// `nodejs.util.inspect.custom`, and effect's YieldableError returns the error itself, which loupe
// inspects again, forever (each round asking the Proxy's `has` trap, effect's core.ts). Loupe
// asks for `Symbol.for("chai/inspect")` first: answered here, on YieldableError's prototype, with
// the inspection of the original error (not a Proxy, so the Error path). Nothing else is changed:
// chai formats an error that is not wrapped through its Error path before it looks for this.
import * as Cause from "effect/Cause"
import { chai } from "vitest"

const chaiInspect = Symbol.for("chai/inspect")
const nodeInspect = Symbol.for("nodejs.util.inspect.custom")

// YieldableError is not exported: it is the prototype on the chain of any effect error that
// defines both `commit` (it is an Effect) and the Node inspect hook.
let yieldable: object | null = Object.getPrototypeOf(new Cause.UnknownException(undefined)) as object | null
while (yieldable !== null && !(Object.hasOwn(yieldable, nodeInspect) && Object.hasOwn(yieldable, "commit"))) {
  yieldable = Object.getPrototypeOf(yieldable) as object | null
}
if (yieldable === null) throw new Error("vitest.setup.ts: effect's YieldableError prototype was not found; see the comment above")
if (!Object.hasOwn(yieldable, chaiInspect)) {
  Object.defineProperty(yieldable, chaiInspect, {
    value(this: object): string {
      return chai.util.inspect(Cause.originalError(this))
    }
  })
}
