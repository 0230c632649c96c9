package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gantry queues}: how many jobs each queue has in each state. */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows how many jobs each queue has in each state.",
    subcommands = {QueuesLimitCommand.class, QueuesLimitsCommand.class, QueuesUnlimitCommand.class},
    description = {
        "One row per queue, one column per state, and the total. Finished jobs are counted until they are pruned. "
            + "With --json: {\"queues\": [{\"queue\": ..., \"available\": n, ..., \"total\": n}]}.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    footer = {"", "Limits: 'gantry queues limit QUEUE ...', 'gantry queues limits', 'gantry queues unlimit QUEUE'."})
public final class QueuesCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  QueuesCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
      for (QueueCount c : cli.gantry().queueCounts()) {
        byQueue.computeIfAbsent(c.queue(), q -> new EnumMap<>(JobState.class)).merge(c.state(), c.count(), Long::sum);
      }
      if (json) {
        ObjectMapper mapper = cli.gantry().mapper();
        ObjectNode node = mapper.createObjectNode();
        ArrayNode queues = node.putArray("queues");
        byQueue.forEach((queue, counts) -> {
          ObjectNode q = queues.addObject().put("queue", queue);
          for (JobState state : JobState.values()) {
            q.put(state.dbName(), counts.getOrDefault(state, 0L));
          }
          q.put("total", total(counts));
        });
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      } else if (byQueue.isEmpty()) {
        out.println("No jobs in any queue.");
      } else {
        List<String> header = new ArrayList<>(List.of("QUEUE"));
        for (JobState state : JobState.values()) {
          header.add(state.dbName().toUpperCase(java.util.Locale.ROOT));
        }
        header.add("TOTAL");
        TextTable table = new TextTable(header.toArray(String[]::new));
        byQueue.forEach((queue, counts) -> {
          List<Object> row = new ArrayList<>(List.of(queue));
          for (JobState state : JobState.values()) {
            row.add(counts.getOrDefault(state, 0L));
          }
          row.add(total(counts));
          table.row(row.toArray());
        });
        table.print(out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static long total(Map<JobState, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
