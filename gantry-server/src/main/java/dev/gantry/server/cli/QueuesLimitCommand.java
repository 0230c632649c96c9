package dev.gantry.server.cli;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gantry queues limit QUEUE ...}: sets a queue's limits, replacing any it had. */
@Command(
    name = "limit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Sets a queue's limits, enforced across every node.",
    description = {
        "Replaces the queue's limits (an option left out is no limit): at most --concurrency of its jobs running "
            + "at once on all nodes together, at most --partition-concurrency of one partition's, and at most "
            + "--rate / --partition-rate starts per period. A partition is the jobs with the same tenant "
            + "(--partition-by tenant), kind (kind) or args value (args.customer_id). Jobs held back wait; other "
            + "queues and partitions keep running. Workers apply it from their next claim on.",
        "",
        "Example: gantry queues limit crm --partition-by args.account_id --partition-concurrency 2 --rate 60/1m",
        ""})
public final class QueuesLimitCommand implements Callable<Integer> {
  /** The Java names in QueueLimit's messages, as this command's options. */
  private static final Map<String, String> OPTIONS = Map.of("concurrency", "--concurrency", "partitionBy",
      "--partition-by", "partitionConcurrency", "--partition-concurrency", "limit:", "limit:");

  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue.")
  private String queue;

  @Option(names = "--concurrency", paramLabel = "N", description = "Most jobs of the queue running at once, all nodes together.")
  private Integer concurrency;

  @Option(names = "--partition-by", paramLabel = "BY",
      description = "What makes a partition: tenant, kind, or args.KEY[.KEY...] (a value in the job's args).")
  private String partitionBy;

  @Option(names = "--partition-concurrency", paramLabel = "N", description = "Most jobs of one partition running at once.")
  private Integer partitionConcurrency;

  @Option(names = "--rate", paramLabel = "N/PERIOD", converter = RateConverter.class,
      description = "Most starts of the queue's jobs per period, such as 60/1m or 10/1s.")
  private Rate rate;

  @Option(names = "--partition-rate", paramLabel = "N/PERIOD", converter = RateConverter.class,
      description = "Most starts of one partition's jobs per period.")
  private Rate partitionRate;

  QueuesLimitCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    QueueLimit limit;
    try {
      JobOptions.requireQueueName(queue);
      limit = new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, rate, partitionRate);
      if (!limit.limitsAnything()) {
        throw new IllegalArgumentException("give at least one of --concurrency, --partition-concurrency, --rate and "
            + "--partition-rate; to lift the queue's limits use 'gantry queues unlimit " + queue + "'");
      }
      if (partitionBy == null && (partitionConcurrency != null || partitionRate != null)) {
        throw new IllegalArgumentException("--partition-concurrency and --partition-rate need --partition-by");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), asOption(e.getMessage()));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      LimitOutput.table(out, List.of(cli.gantry().limits().set(limit)));
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static String asOption(String message) {
    String first = message.split(" ", 2)[0];
    String option = OPTIONS.get(first);
    return option == null ? message : option + message.substring(first.length());
  }
}
