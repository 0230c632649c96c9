package dev.gantry.server.cli;

import dev.gantry.batch.Batch;
import dev.gantry.batch.Batches;
import picocli.CommandLine.Command;

/** {@code gantry batches show ID}: a batch's state and live counts. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows one batch: its state, how many of its jobs wait, run and finished, and how far it is.",
    description = {
        "Pending jobs wait to run (available, scheduled, retrying, or a workflow step waiting for its dependencies); "
            + "the finished counts only grow, even once finished jobs are pruned. Exits 1 with 'no batch ID' when "
            + "there is no such batch. --json prints what GET /v1/batches/{id} answers.",
        ""})
public final class BatchesShowCommand extends BatchCommand {
  BatchesShowCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Batch act(Batches batches, Batch before, StringBuilder note) {
    return before;
  }
}
