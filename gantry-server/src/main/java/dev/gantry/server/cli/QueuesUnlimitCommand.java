package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.enqueue.JobOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gantry queues unlimit QUEUE}: lifts a queue's limits. */
@Command(
    name = "unlimit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Lifts a queue's limits.",
    description = {
        "From each worker's next claim on, the queue's jobs are claimed as any queue's. Exits 1 with "
            + "'queue QUEUE has no limits' when it had none.",
        ""})
public final class QueuesUnlimitCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue.")
  private String queue;

  QueuesUnlimitCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    try {
      JobOptions.requireQueueName(queue);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      if (!cli.gantry().limits().remove(queue)) {
        throw new GantryException("queue " + queue + " has no limits");
      }
      out.println("Lifted the limits of queue " + queue + ".");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
