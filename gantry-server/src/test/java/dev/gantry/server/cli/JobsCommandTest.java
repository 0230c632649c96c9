package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.JobState;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import dev.gantry.workflow.WorkflowResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code gantry jobs list|show|cancel|retry} against jobs enqueued through the Java API. */
class JobsCommandTest {
  private static final Pattern NEXT_PAGE = Pattern.compile("Next page: --cursor (\\S+)");
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

  private CliRun jobs(String... args) {
    List<String> all = new ArrayList<>(List.of("jobs"));
    all.addAll(List.of(args));
    all.addAll(List.of("--schema", schema));
    return CliRun.onTestDatabase(all.toArray(String[]::new));
  }

  private UUID enqueue(String kind, JobOptions options) {
    return gantry.enqueue(kind, Map.of("n", 1), options).id();
  }

  @Test
  void listShowsATableNewestFirstAndFilters() {
    UUID mail = enqueue("email.send", JobOptions.defaults().withQueue("mail").withTags("eu"));
    UUID report = enqueue("report.build", JobOptions.defaults());
    UUID later = enqueue("report.build", JobOptions.defaults().withDelay(Duration.ofHours(1)));

    CliRun all = jobs("list");
    assertThat(all.err()).isEmpty();
    assertThat(all.exitCode()).isEqualTo(ExitCodes.OK);
    List<String> lines = all.out().lines().toList();
    assertThat(lines.get(0)).matches("ID +STATE +QUEUE +KIND +ATTEMPT +CREATED");
    assertThat(lines.get(1)).startsWith(later.toString()).containsPattern("scheduled +default +report\\.build +0 +\\d{4}-");
    assertThat(lines.get(2)).startsWith(report.toString()).contains("available");
    assertThat(lines.get(3)).startsWith(mail.toString()).containsPattern("available +mail +email\\.send");
    assertThat(lines.get(4)).isEqualTo("(last page)");
    assertThat(lines).hasSize(5);

    assertThat(ids(jobs("list", "--queue", "mail"))).containsExactly(mail);
    assertThat(ids(jobs("list", "--kind", "report.build"))).containsExactly(later, report);
    assertThat(ids(jobs("list", "--state", "scheduled"))).containsExactly(later);
    assertThat(ids(jobs("list", "--state", "AVAILABLE"))).containsExactly(report, mail);
    assertThat(ids(jobs("list", "--tag", "eu"))).containsExactly(mail);
    assertThat(jobs("list", "--queue", "nowhere").out()).isEqualTo("No jobs match." + NL);
  }

  @Test
  void aWorkflowStepWaitingForItsDependenciesIsPending() {
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("w")
        .step("first", JobRequest.of("report.build", Map.of(), JobOptions.defaults()))
        .step("then", JobRequest.of("report.send", Map.of(), JobOptions.defaults()), Dependency.on("first"))
        .build());

    assertThat(ids(jobs("list", "--state", "pending"))).containsExactly(r.step("then"));
    assertThat(ids(jobs("list", "--state", "available"))).containsExactly(r.step("first"));
    assertThat(jobs("show", r.step("then").toString()).out()).containsPattern("state +pending" + NL);
  }

  @Test
  void listFiltersByCreatedRangeStartInclusiveEndExclusive() {
    List<UUID> hourly = new ArrayList<>();
    for (int hour = 0; hour < 5; hour++) {
      UUID id = enqueue("k", JobOptions.defaults());
      db.execute("UPDATE " + schema + ".jobs SET created_at = '2026-11-23T0" + hour + ":00:00Z' WHERE id = '" + id + "'");
      hourly.add(id);
    }

    assertThat(ids(jobs("list", "--created-after", "2026-11-23T01:00:00Z", "--created-before", "2026-11-23T03:00:00Z")))
        .containsExactly(hourly.get(2), hourly.get(1));
    assertThat(ids(jobs("list", "--created-after", "2026-11-23T05:00:00+02:00")))
        .containsExactly(hourly.get(4), hourly.get(3));
    assertThat(ids(jobs("list", "--created-before", "2026-11-23T01:00:00Z"))).containsExactly(hourly.get(0));
    CliRun firstPage = jobs("list", "--created-after", "2026-11-23T01:00:00Z", "--limit", "2");
    Matcher next = NEXT_PAGE.matcher(firstPage.out());
    assertThat(next.find()).isTrue();
    assertThat(ids(firstPage)).containsExactly(hourly.get(4), hourly.get(3));
    assertThat(ids(jobs("list", "--created-after", "2026-11-23T01:00:00Z", "--limit", "2", "--cursor", next.group(1))))
        .containsExactly(hourly.get(2), hourly.get(1));
    assertThat(jobs("list", "--created-after", "2026-11-24T00:00:00Z", "--created-before", "2026-11-25T00:00:00Z").out())
        .isEqualTo("No jobs match." + NL);
  }

  @Test
  void theCursorPagesThroughEveryJobOnce() {
    List<UUID> enqueued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      enqueued.add(enqueue("k", JobOptions.defaults()));
    }
    List<UUID> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      CliRun page = cursor == null ? jobs("list", "--limit", "2") : jobs("list", "--limit", "2", "--cursor", cursor);
      assertThat(page.exitCode()).isEqualTo(ExitCodes.OK);
      seen.addAll(ids(page));
      Matcher next = NEXT_PAGE.matcher(page.out());
      cursor = next.find() ? next.group(1) : null;
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(enqueued.reversed());
  }

  @Test
  void listAsJsonHasTheJobsAndTheNextCursor() throws Exception {
    UUID older = enqueue("k", JobOptions.defaults().withUniqueKey("u1"));
    UUID newer = enqueue("k", JobOptions.defaults());

    JsonNode firstPage = mapper.readTree(jobs("list", "--limit", "1", "--json").out());
    JsonNode lastPage = mapper.readTree(jobs("list", "--limit", "1", "--json", "--cursor", firstPage.get("next_cursor").asText()).out());

    assertThat(firstPage.get("jobs")).hasSize(1);
    assertThat(firstPage.get("jobs").get(0).get("id").asText()).isEqualTo(newer.toString());
    assertThat(firstPage.get("next_cursor").asText()).isEqualTo(newer.toString());
    JsonNode job = lastPage.get("jobs").get(0);
    assertThat(job.get("id").asText()).isEqualTo(older.toString());
    assertThat(job.get("unique_key").asText()).isEqualTo("u1");
    assertThat(job.get("state").asText()).isEqualTo("available");
    assertThat(job.get("args").get("n").asInt()).isEqualTo(1);
    assertThat(lastPage.get("next_cursor").isNull()).isTrue();
  }

  @Test
  void showPrintsTheJobWithItsErrorsAndJsonHasTheStackTraces() throws Exception {
    UUID id = enqueue("broken", JobOptions.defaults().withMaxAttempts(1).withTags("a", "b"));
    try (Worker w = gantry.worker().queue("default", 1)
        .handler("broken", Map.class, (args, ctx) -> {
          throw new PermanentFailure("mailbox full");
        }).start()) {
      assertThat(gantry.awaitCompletion(id, Duration.ofSeconds(15))).get().extracting(j -> j.state()).isEqualTo(JobState.DEAD);
    }

    CliRun text = jobs("show", id.toString());
    assertThat(text.err()).isEmpty();
    assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(text.out())
        .containsPattern("id +" + id)
        .containsPattern("kind +broken")
        .containsPattern("state +dead")
        .containsPattern("attempt +1 of 1")
        .containsPattern("tags +a, b")
        .containsPattern("args +\\{\"n\":1\\}")
        .containsPattern("finished +\\d{4}-")
        .containsPattern("errors:" + NL + "  attempt 1 at \\S+: dev\\.gantry\\.worker\\.PermanentFailure: mailbox full");

    JsonNode json = mapper.readTree(jobs("show", id.toString(), "--json").out());
    assertThat(json.get("id").asText()).isEqualTo(id.toString());
    assertThat(json.get("state").asText()).isEqualTo("dead");
    assertThat(json.get("max_attempts").asInt()).isEqualTo(1);
    assertThat(json.get("errors").get(0).get("message").asText()).isEqualTo("mailbox full");
    assertThat(json.get("errors").get(0).get("stacktrace").asText()).contains("PermanentFailure");
  }

  @Test
  void cancelAndRetryAJob() {
    UUID id = enqueue("k", JobOptions.defaults().withDelay(Duration.ofHours(1)));

    CliRun cancel = jobs("cancel", id.toString());
    assertThat(cancel.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cancel.out()).isEqualTo("Cancelled job " + id + "." + NL);
    assertThat(gantry.job(id)).get().extracting(j -> j.state()).isEqualTo(JobState.CANCELLED);

    CliRun again = jobs("cancel", id.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(again.out()).isEqualTo("Job " + id + " had already finished (cancelled); nothing changed." + NL);

    CliRun retry = jobs("retry", id.toString());
    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.out()).isEqualTo("Job " + id + " is available to run again." + NL);
    assertThat(gantry.job(id)).get().extracting(j -> j.state()).isEqualTo(JobState.AVAILABLE);

    CliRun retryAvailable = jobs("retry", id.toString());
    assertThat(retryAvailable.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(retryAvailable.err()).isEqualTo("gantry jobs retry: job " + id
        + " is available; only jobs that are finished or waiting can be retried" + NL);
  }

  @Test
  void anUnknownJobExitsOneWithNoJob() {
    UUID unknown = UUID.randomUUID();
    for (String command : List.of("show", "cancel", "retry")) {
      CliRun run = jobs(command, unknown.toString());
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err()).as(command).isEqualTo("gantry jobs " + command + ": no job " + unknown + NL);
      assertThat(run.out()).as(command).isEmpty();
    }
  }

  @Test
  void badInputIsAUsageErrorNamingTheOption() {
    Map<List<String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(List.of("show", "42"), "gantry jobs show: Invalid value for positional parameter at index 0 (ID): not a job id");
    bad.put(List.of("cancel"), "gantry jobs cancel: Missing required parameter: 'ID'");
    bad.put(List.of("list", "--state", "done"), "gantry jobs list: Invalid value for option '--state': expected one of pending, scheduled, available");
    bad.put(List.of("list", "--limit", "0"), "gantry jobs list: Invalid value for option '--limit': limit must be between 1 and 1000");
    bad.put(List.of("list", "--cursor", "next"), "gantry jobs list: Invalid value for option '--cursor': not a job id");
    bad.put(List.of("list", "--created-after", "yesterday"), "gantry jobs list: Invalid value for option '--created-after':"
        + " expected an ISO-8601 instant with an offset, such as 2026-11-23T10:00:00Z");
    bad.put(List.of("list", "--created-before", "2026-11-23T10:00:00"), "gantry jobs list: Invalid value for option"
        + " '--created-before': expected an ISO-8601 instant with an offset, such as 2026-11-23T10:00:00Z");
    bad.put(List.of("list", "--created-after", "2026-11-23T11:00:00+01:00", "--created-before", "2026-11-23T10:00:00Z"),
        "gantry jobs list: Invalid value for option '--created-after': must be before --created-before (inclusive start,"
            + " exclusive end), got 2026-11-23T10:00:00Z and 2026-11-23T10:00:00Z");
    bad.put(List.of("purge"), "gantry jobs: Unmatched argument at index 1: 'purge'");
    bad.forEach((args, message) -> {
      List<String> all = new ArrayList<>(List.of("jobs"));
      all.addAll(args);
      CliRun run = CliRun.withEnvironment(Map.of(), all.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", all).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as("%s", all).startsWith(message).endsWith("--help')" + NL);
      assertThat(run.err().lines()).hasSize(1);
    });
  }

  @Test
  void jobsAloneShowsItsCommandsAndEachHasHelp() {
    CliRun alone = CliRun.withEnvironment(Map.of(), "jobs");
    assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(alone.err()).contains("Usage: gantry jobs").contains("list").contains("show").contains("cancel").contains("retry");

    for (String command : List.of("list", "show", "cancel", "retry")) {
      CliRun help = CliRun.withEnvironment(Map.of(), "jobs", command, "--help");
      assertThat(help.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).as(command).contains("Usage: gantry jobs " + command).contains("--schema=NAME");
    }
  }

  /** The job ids of a table, in the order listed. */
  private static List<UUID> ids(CliRun run) {
    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(ExitCodes.OK);
    return run.out().lines()
        .filter(l -> l.matches("[0-9a-f]{8}-[0-9a-f-]{27} .*"))
        .map(l -> UUID.fromString(l.substring(0, 36)))
        .toList();
  }
}
