// Builds the bin once before any test file runs: the subprocess tests run the bundled bin, and two
// files building it at once would each empty dist/ under the other's running commands.
import { build } from "./support.js"

export default build
