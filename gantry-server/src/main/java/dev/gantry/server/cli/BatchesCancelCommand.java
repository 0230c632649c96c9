package dev.gantry.server.cli;

import dev.gantry.batch.Batch;
import dev.gantry.batch.Batches;
import picocli.CommandLine.Command;

/** {@code gantry batches cancel ID}: cancels a batch's waiting jobs and stops its running ones. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Cancels a batch.",
    description = {
        "The batch is sealed, its jobs that have not started are cancelled at once and never run, and the workers "
            + "running the others, on whichever node, are told to stop them. It finishes, and its failure and "
            + "complete callbacks are enqueued as they apply, when its last job has. A finished batch is left as "
            + "it is (exit 0). Exits 1 with 'no batch ID' when there is no such batch.",
        ""})
public final class BatchesCancelCommand extends BatchCommand {
  BatchesCancelCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Batch act(Batches batches, Batch before, StringBuilder note) {
    if (before.state().isFinished()) {
      // Nothing of it waits or runs: leave it exactly as it is.
      note.append("Batch " + id + " had already finished (" + before.state().dbName() + "); nothing changed.");
      return before;
    }
    Batch batch = batches.cancel(id);
    note.append("Cancelled batch " + id + ": its jobs that had not started will not run"
        + (batch.running() == 0 ? "." : ", and the workers of its " + batch.running() + " running ones were told"
            + " to stop them."));
    return batch;
  }
}
