package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.limits.QueueLimit;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gantry queues limits}: every queue's limits. */
@Command(
    name = "limits",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Lists the queues that have limits, with their limits.",
    description = {
        "One row per limited queue ('-': no such limit). With --json: {\"limits\": [{\"queue\": ..., \"concurrency\": n, "
            + "\"partition_by\": ..., \"partition_concurrency\": n, \"rate\": {\"limit\": n, \"period\": \"PT1M\"}, "
            + "\"partition_rate\": ...}]}, as the HTTP API shows a queue's limits.",
        ""})
public final class QueuesLimitsCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  QueuesLimitsCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      List<QueueLimit> limits = cli.gantry().limits().list();
      if (json) {
        ObjectMapper mapper = cli.gantry().mapper();
        ObjectNode node = mapper.createObjectNode();
        ArrayNode list = node.putArray("limits");
        limits.forEach(l -> LimitOutput.json(list.addObject(), l));
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      } else if (limits.isEmpty()) {
        out.println("No queue has limits.");
      } else {
        LimitOutput.table(out, limits);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
