package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.schedule.MissedTicks;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.schema.Migrator;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.schedules.ScheduleView;
import dev.gantry.testing.TestDatabase;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code gantry schedules list|show|define|pause|resume|delete} against schedules of the Java API. */
class SchedulesCommandTest {
  private static final String NL = System.lineSeparator();

  private final TestDatabase db = TestDatabase.get();
  private final ObjectMapper mapper = new ObjectMapper();
  private String schema;
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    schema = db.newSchema();
    new Migrator(schema).migrate(db.dataSource());
    gantry = Gantry.builder(db.dataSource()).schema(schema).migrate(false).build();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private CliRun schedules(String... args) {
    List<String> all = new ArrayList<>(List.of("schedules"));
    all.addAll(List.of(args));
    all.addAll(List.of("--schema", schema));
    return CliRun.onTestDatabase(all.toArray(String[]::new));
  }

  private Schedule nightly() {
    return gantry.schedules().define(ScheduleDefinition.of("nightly", "0 3 * * *", "report.build", Map.of("f", "pdf"))
        .withTimeZone(ZoneId.of("Europe/Berlin"))
        .withOptions(JobOptions.defaults().withQueue("reports").withTags("a", "b"))
        .withMissed(MissedTicks.RUN_ONCE).withGrace(Duration.ofHours(1))).schedule();
  }

  @Test
  void listShowsEveryTenantsSchedulesAndJsonIsWhatTheApiAnswers() throws Exception {
    Schedule nightly = nightly();
    gantry.schedules().forTenant("acme").define(ScheduleDefinition.of("hourly", "@hourly", "k", null));

    CliRun list = schedules("list");
    assertThat(list.err()).isEmpty();
    assertThat(list.exitCode()).isEqualTo(ExitCodes.OK);
    List<String> lines = list.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("NAME +TENANT +CRON +TIME ZONE +KIND +STATE +NEXT RUN +LAST RUN");
    assertThat(lines.get(1)).matches("nightly +- +0 3 \\* \\* \\* +Europe/Berlin +report\\.build +running +"
        + nightly.nextRunAt() + " +-");
    assertThat(lines.get(2)).startsWith("hourly").contains(" acme ").contains("@hourly").contains(" UTC ");
    assertThat(schedules("list", "--tenant", "acme").out().lines()).hasSize(2);
    assertThat(schedules("list", "--tenant", "globex").out()).isEqualTo("No schedules in tenant globex." + NL);

    JsonNode json = mapper.readTree(schedules("list", "--json").out());
    assertThat(json.get("schedules")).hasSize(2);
    assertThat(json.get("schedules").get(0)).isEqualTo(mapper.readTree(ApiJson.write(ScheduleView.of(nightly))));
  }

  @Test
  void showPrintsTheDefinitionAndItsRuns() throws Exception {
    Schedule nightly = nightly();

    CliRun show = schedules("show", "nightly");
    assertThat(show.err()).isEmpty();
    assertThat(show.out())
        .containsPattern("name +nightly" + NL)
        .containsPattern("tenant +-" + NL)
        .containsPattern("state +running" + NL)
        .containsPattern("cron +0 3 \\* \\* \\* \\(Europe/Berlin\\)" + NL)
        .containsPattern("next run +" + nightly.nextRunAt() + NL)
        .containsPattern("last run +-" + NL)
        .containsPattern("kind +report\\.build" + NL)
        .containsPattern("args +\\{\"f\":\"pdf\"\\}" + NL)
        .containsPattern("queue +reports" + NL)
        .containsPattern("tags +a, b" + NL)
        .containsPattern("missed ticks +run_once \\(after PT1H late\\)" + NL);
    JsonNode json = mapper.readTree(schedules("show", "nightly", "--json").out());
    assertThat(json).isEqualTo(mapper.readTree(ApiJson.write(ScheduleView.of(nightly))));
  }

  @Test
  void defineCreatesReplacesAndLeavesAnUnchangedScheduleAlone() throws Exception {
    CliRun created = schedules("define", "cleanup", "--cron", "*/15 * * * *", "--kind", "cleanup.run",
        "--time-zone", "America/New_York", "--args", "{\"deep\": true}", "--queue", "maintenance", "--priority", "5",
        "--max-attempts", "2", "--timeout", "5m", "--tag", "ops", "--metadata", "{\"team\": \"ops\"}",
        "--missed", "run_once", "--grace", "10m");
    assertThat(created.err()).isEmpty();
    assertThat(created.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(created.out()).startsWith("Created schedule cleanup." + NL).containsPattern("queue +maintenance" + NL);
    ScheduleDefinition d = gantry.schedules().get("cleanup").orElseThrow().definition();
    assertThat(d.cron()).isEqualTo("*/15 * * * *");
    assertThat(d.timeZone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(d.args().toString()).isEqualTo("{\"deep\":true}");
    assertThat(d.options().priority()).isEqualTo(5);
    assertThat(d.options().maxAttempts()).isEqualTo(2);
    assertThat(d.options().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.options().tags()).containsExactly("ops");
    assertThat(d.missed()).isEqualTo(MissedTicks.RUN_ONCE);
    assertThat(d.grace()).isEqualTo(Duration.ofMinutes(10));

    assertThat(schedules("define", "cleanup", "--cron", "*/15 * * * *", "--kind", "cleanup.run", "--time-zone",
        "America/New_York", "--args", "{\"deep\": true}", "--queue", "maintenance", "--priority", "5",
        "--max-attempts", "2", "--timeout", "5m", "--tag", "ops", "--metadata", "{\"team\": \"ops\"}", "--missed",
        "run_once", "--grace", "10m").out()).startsWith("Schedule cleanup was already defined so; nothing changed.");
    CliRun replaced = schedules("define", "cleanup", "--cron", "@daily", "--kind", "cleanup.run", "--json");
    assertThat(mapper.readTree(replaced.out()).get("cron").asText()).isEqualTo("@daily");
    assertThat(schedules("define", "t", "--cron", "@daily", "--kind", "k", "--tenant", "acme").exitCode())
        .isEqualTo(ExitCodes.OK);
    assertThat(gantry.schedules().forTenant("acme").get("t")).isPresent();
  }

  @Test
  void pauseResumeAndDelete() {
    nightly();

    CliRun pause = schedules("pause", "nightly");
    assertThat(pause.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(pause.out()).startsWith("Paused schedule nightly: its ticks enqueue nothing until "
        + "'gantry schedules resume nightly'." + NL).containsPattern("state +paused since \\d{4}-")
        .containsPattern("next run +-" + NL);
    assertThat(schedules("pause", "nightly").out()).startsWith("Schedule nightly was already paused; nothing changed.");
    assertThat(gantry.schedules().get("nightly").orElseThrow().paused()).isTrue();

    CliRun resume = schedules("resume", "nightly");
    Schedule resumed = gantry.schedules().get("nightly").orElseThrow();
    assertThat(resumed.paused()).isFalse();
    assertThat(resume.out()).startsWith("Resumed schedule nightly: its next run is at " + resumed.nextRunAt() + "." + NL);
    assertThat(schedules("resume", "nightly").out()).startsWith("Schedule nightly was not paused; nothing changed.");

    CliRun delete = schedules("delete", "nightly");
    assertThat(delete.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(delete.out()).isEqualTo("Deleted schedule nightly; the jobs it enqueued stay." + NL);
    assertThat(gantry.schedules().get("nightly")).isEmpty();
  }

  @Test
  void anUnknownScheduleExitsOneWithNoSchedule() {
    for (String command : List.of("show", "pause", "resume", "delete")) {
      CliRun run = schedules(command, "missing");
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err()).as(command).isEqualTo("gantry schedules " + command + ": no schedule missing" + NL);
      assertThat(run.out()).as(command).isEmpty();
      assertThat(schedules(command, "missing", "--tenant", "acme").err())
          .isEqualTo("gantry schedules " + command + ": no schedule missing in tenant acme" + NL);
    }
  }

  @Test
  void badInputIsAUsageErrorAndEachCommandHasHelp() {
    Map<List<String>, String> bad = new LinkedHashMap<>();
    bad.put(List.of("show", "a/b"), "gantry schedules show: Invalid value for positional parameter at index 0 (NAME): "
        + "not a schedule name");
    bad.put(List.of("pause"), "gantry schedules pause: Missing required parameter: 'NAME'");
    bad.put(List.of("list", "--tenant", "a b"), "gantry schedules list: Invalid value for option '--tenant'");
    bad.put(List.of("define", "x", "--kind", "k"), "gantry schedules define: Missing required option: '--cron=EXPR'");
    bad.put(List.of("define", "x", "--cron", "0 24 * * *", "--kind", "k"),
        "gantry schedules define: Invalid value for option '--cron': Value 24 not in range [0, 23]");
    bad.put(List.of("define", "x", "--cron", "@daily", "--kind", "bad kind"),
        "gantry schedules define: Invalid value for option '--kind':");
    bad.put(List.of("define", "x", "--cron", "@daily", "--kind", "k", "--time-zone", "Mars/Olympus"),
        "gantry schedules define: Invalid value for option '--time-zone'");
    bad.put(List.of("define", "x", "--cron", "@daily", "--kind", "k", "--missed", "sometimes"),
        "gantry schedules define: Invalid value for option '--missed': must be skip or run_once");
    bad.put(List.of("define", "x", "--cron", "@daily", "--kind", "k", "--grace", "10ms"),
        "gantry schedules define: Invalid value for option '--grace'");
    bad.put(List.of("purge"), "gantry schedules: Unmatched argument at index 1: 'purge'");
    bad.forEach((args, message) -> {
      List<String> all = new ArrayList<>(List.of("schedules"));
      all.addAll(args);
      CliRun run = CliRun.withEnvironment(Map.of(), all.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", all).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as("%s", all).startsWith(message).endsWith("--help')" + NL);
      assertThat(run.err().lines()).hasSize(1);
    });

    CliRun alone = CliRun.withEnvironment(Map.of(), "schedules");
    assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(alone.err()).contains("Usage: gantry schedules").contains("list").contains("define").contains("delete");
    assertThat(CliRun.withEnvironment(Map.of(), "--help").out()).contains("schedules");
    for (String command : List.of("list", "show", "define", "pause", "resume", "delete")) {
      CliRun help = CliRun.withEnvironment(Map.of(), "schedules", command, "--help");
      assertThat(help.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).as(command).contains("Usage: gantry schedules " + command).contains("--schema=NAME");
    }
  }
}
