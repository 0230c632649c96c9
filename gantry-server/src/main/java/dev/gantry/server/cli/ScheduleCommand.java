package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.ScheduleNotFoundException;
import dev.gantry.schedule.Schedules;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the {@code gantry schedules} commands on one schedule share: its name, {@code --tenant},
 * {@code --schema}, {@code --json}, the schedule read before acting ("no schedule NAME", exit 1,
 * when there is none) and the printed schedule. Each command says what it does and what to tell a
 * person about it.
 */
abstract class ScheduleCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "NAME", converter = ScheduleNameConverter.class,
      description = "The schedule's name.")
  String name;

  @Option(names = "--tenant", paramLabel = "T", converter = TenantConverter.class,
      description = "The tenant whose schedule it is (default: the schedules without a tenant).")
  String tenant;

  @Option(names = "--json", description = "Print the schedule as JSON, as the HTTP API answers "
      + "(GET /v1/schedules/{name}, or the command's route).")
  private boolean json;

  ScheduleCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  /**
   * Acts on the schedule, read just before.
   *
   * @param note where to put the line said to a person (not printed with --json)
   * @return the schedule to print
   */
  abstract Schedule act(Schedules schedules, Schedule before, StringBuilder note);

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Schedules schedules = tenant == null ? cli.gantry().schedules() : cli.gantry().schedules().forTenant(tenant);
      Schedule before = schedules.get(name).orElseThrow(() -> notFound(null));
      StringBuilder note = new StringBuilder();
      Schedule schedule;
      try {
        schedule = act(schedules, before, note);
      } catch (ScheduleNotFoundException e) {
        throw notFound(e);
      }
      if (!json && !note.isEmpty()) {
        out.println(note);
      }
      ScheduleOutput.print(out, schedule, json);
      out.flush();
      return ExitCodes.OK;
    }
  }

  private GantryException notFound(Exception cause) {
    return new GantryException("no schedule " + name + (tenant == null ? "" : " in tenant " + tenant), cause);
  }
}
