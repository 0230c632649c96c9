package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchNotFoundException;
import dev.gantry.batch.Batches;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the {@code gantry batches} commands share: the batch id, {@code --schema}, {@code --json},
 * the batch read before acting ("no batch ID", exit 1, when there is none) and the printed batch.
 * Each command says what it does to the batch and what to tell a person about it.
 */
abstract class BatchCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "ID", converter = BatchIdConverter.class, description = "The batch's id.")
  UUID id;

  @Option(names = "--json", description = "Print the batch as JSON, as the HTTP API answers (GET /v1/batches/{id}, "
      + "or the command's POST route).")
  private boolean json;

  BatchCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  /**
   * Acts on the batch, read just before.
   *
   * @param note where to put the line said to a person (not printed with --json)
   * @return the batch to print
   */
  abstract Batch act(Batches batches, Batch before, StringBuilder note);

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Batches batches = cli.gantry().batches();
      Batch before = batches.get(id).orElseThrow(() -> new GantryException("no batch " + id));
      StringBuilder note = new StringBuilder();
      Batch batch;
      try {
        batch = act(batches, before, note);
      } catch (BatchNotFoundException e) {
        throw new GantryException("no batch " + id, e);
      }
      if (!json && !note.isEmpty()) {
        out.println(note);
      }
      BatchOutput.print(out, batch, json);
      out.flush();
      return ExitCodes.OK;
    }
  }
}
