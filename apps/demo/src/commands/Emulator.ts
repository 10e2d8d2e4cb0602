/**
 * `dds-restore emulator`: the emulator in the foreground, exactly as its own bin
 * (`dds-restore-emulator`) runs it: the same options, parsed by the emulator package, and the same
 * lines on standard output; the demo instances are listed on standard error.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Handler from "../Handler.js"

const text = (name: string, pseudoName: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudoName), Options.withDescription(description), Options.optional)

const options = {
  host: text("host", "HOST", "Address to listen on (default 127.0.0.1)"),
  port: text("port", "PORT", "Port to listen on; 0 picks any free port (default 0)"),
  seed: text("seed", "FILE", "A JSON seed file; the built-in demo fixture when absent"),
  instances: text(
    "instances",
    "N",
    "Add a fleet of N healthy replica sets (0 to 10000) holding the demo replica set's databases and collections"
  ),
  fleetSeed: text("fleet-seed", "TEXT", "What the fleet's ids and names are derived from: the same seed, the same fleet (default \"fleet\")"),
  faults: text(
    "faults",
    "SPEC",
    "Comma-separated faults, e.g. throttle=0.2,error5xx=0.05,latency=20ms,drop-restore-answer=1,clock-skew=-20m"
  ),
  jobDuration: text("job-duration", "DURATION", "How long a restore job runs, e.g. 2s, at most 24h (default: the fake's, 1 minute)"),
  visibilityDelay: text("visibility-delay", "DURATION", "How long a new job stays invisible to GET /jobs?id=, at most 24h (default: the fake's, 3s)")
}

/**
 * The `emulator` command.
 *
 * @since 0.1.0
 */
export const command = Command.make("emulator", options, Handler.lazy(() => import("../handlers/Emulator.js"))).pipe(
  Command.withDescription("Serve the emulator (a fake DDS with the demo fixture, AK/SK checked) in the foreground, as dds-restore-emulator does.")
)
