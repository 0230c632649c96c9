package dev.gantry.server.cli;

import dev.gantry.batch.Batch;
import dev.gantry.batch.Batches;
import picocli.CommandLine.Command;

/** {@code gantry batches seal ID}: closes an open batch to new jobs, so that it can finish. */
@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Seals a batch: no job can be added to it any more, and it finishes when its last job does.",
    description = {
        "A batch whose jobs have all finished finishes at once, and its callbacks are enqueued. Sealing a sealed "
            + "batch changes nothing (exit 0). Exits 1 with 'no batch ID' when there is no such batch.",
        ""})
public final class BatchesSealCommand extends BatchCommand {
  BatchesSealCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Batch act(Batches batches, Batch before, StringBuilder note) {
    Batch batch = batches.seal(id);
    note.append(before.sealedAt() == null ? "Sealed batch " + id + "." : "Batch " + id + " was already sealed; nothing changed.");
    return batch;
  }
}
