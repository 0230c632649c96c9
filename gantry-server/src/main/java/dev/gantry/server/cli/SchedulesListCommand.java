package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.Schedules;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.schedules.ScheduleView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gantry schedules list}: every schedule with its next and last run, as a table (or JSON). */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Lists schedules with their next and last run.",
    description = {
        "Every tenant's schedules, by tenant (none first) and name, or one tenant's with --tenant. Times are the "
            + "database's, in UTC. With --json: {\"schedules\": [...]}, as GET /v1/schedules answers.",
        ""})
public final class SchedulesListCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Option(names = "--tenant", paramLabel = "T", converter = TenantConverter.class,
      description = "Only this tenant's schedules.")
  private String tenant;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  SchedulesListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Schedules schedules = tenant == null ? cli.gantry().schedules() : cli.gantry().schedules().forTenant(tenant);
      List<Schedule> list = schedules.list();
      if (json) {
        ObjectNode node = ApiJson.object();
        ArrayNode items = node.putArray("schedules");
        list.forEach(s -> items.add(ScheduleView.of(s)));
        out.println(ApiJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
      } else if (list.isEmpty()) {
        out.println(tenant == null ? "No schedules." : "No schedules in tenant " + tenant + ".");
      } else {
        TextTable table = new TextTable("NAME", "TENANT", "CRON", "TIME ZONE", "KIND", "STATE", "NEXT RUN", "LAST RUN");
        for (Schedule s : list) {
          table.row(s.name(), s.tenant(), s.definition().cron(), s.definition().timeZone().getId(), s.definition().kind(),
              s.paused() ? "paused" : "running", ScheduleOutput.time(s.nextRunAt()), ScheduleOutput.time(s.lastRunAt()));
        }
        table.print(out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
