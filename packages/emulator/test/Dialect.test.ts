// The dialect scenarios of the fake, over real HTTP on loopback: the emulator's gateway checks every
// AK/SK signature, and the emulator runs under the tests' TestClock.
import { describeDialect } from "../../testing/test/dialect/scenarios.js"
import { overHttp } from "./served.js"

describeDialect("the service's dialect, over HTTP (the emulator)", overHttp)
