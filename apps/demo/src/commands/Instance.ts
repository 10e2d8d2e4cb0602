/**
 * The `--instance` option of the commands that act on an instance, with the demo instances named
 * in its description so that people find them.
 *
 * @since 0.1.0
 */
import { DemoFixture } from "@dds-restore/testing"
import * as Options from "@effect/cli/Options"

/**
 * The `--instance` option.
 *
 * @since 0.1.0
 */
export const instance = Options.text("instance").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    `The DDS instance id. The embedded emulator's demo replica set is ${DemoFixture.ordersInstanceId} ` +
      `(also: sharded ${DemoFixture.shardedInstanceId}, incremental backup off ${DemoFixture.noIncrementalInstanceId})`
  )
)
