package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.schedule.ScheduleNotFoundException;
import dev.gantry.schedule.Schedules;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gantry schedules delete NAME}: no tick of it enqueues a job any more. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Deletes a schedule.",
    description = {
        "No tick of it enqueues a job any more; the jobs it enqueued stay as they are. Exits 1 with "
            + "'no schedule NAME' when there is no such schedule.",
        ""})
public final class SchedulesDeleteCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "NAME", converter = ScheduleNameConverter.class,
      description = "The schedule's name.")
  private String name;

  @Option(names = "--tenant", paramLabel = "T", converter = TenantConverter.class,
      description = "The tenant whose schedule it is (default: the schedules without a tenant).")
  private String tenant;

  SchedulesDeleteCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Schedules schedules = tenant == null ? cli.gantry().schedules() : cli.gantry().schedules().forTenant(tenant);
      try {
        schedules.delete(name);
      } catch (ScheduleNotFoundException e) {
        throw new GantryException("no schedule " + name + (tenant == null ? "" : " in tenant " + tenant), e);
      }
      out.println("Deleted schedule " + name + "; the jobs it enqueued stay.");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
