/**
 * The command line's full program: every command and option, parsed by @effect/cli, run as a
 * process (see `Process`). The build bundles it into `dist/dds-restore.cjs`, which `bin.ts` runs
 * for any arguments the fast path (`fast.ts`) does not answer.
 *
 * @since 0.1.0
 */
import * as Cli from "./Cli.js"
import * as Process from "./Process.js"

Process.run(Cli.run)
