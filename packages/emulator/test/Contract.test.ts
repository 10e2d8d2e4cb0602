// The contract test of the client and the fake, over real HTTP on loopback: the emulator's gateway
// checks every AK/SK signature, and its answers are checked against the SDK models too.
import { describeContract } from "../../testing/test/dialect/contract.js"
import { overHttp } from "./served.js"

describeContract("the client and the emulator against the SDK models", overHttp)
