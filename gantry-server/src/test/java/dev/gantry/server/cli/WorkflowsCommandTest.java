package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchState;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.schema.Migrator;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.batches.BatchView;
import dev.gantry.server.http.workflows.WorkflowView;
import dev.gantry.testing.TestDatabase;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import dev.gantry.workflow.WorkflowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code gantry workflows show|cancel} against workflows made through the Java API. */
class WorkflowsCommandTest {
  private static final String NL = System.lineSeparator();
  /** A queue no worker serves: the steps wait. */
  private static final JobOptions NOBODY = JobOptions.defaults().withQueue("nobody");

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

  private CliRun workflows(String... args) {
    List<String> all = new ArrayList<>(List.of("workflows"));
    all.addAll(List.of(args));
    all.addAll(List.of("--schema", schema));
    return CliRun.onTestDatabase(all.toArray(String[]::new));
  }

  private static JobRequest job(String kind) {
    return JobRequest.of(kind, Map.of(), NOBODY);
  }

  /** Two resizes, a report that needs both and a job enqueued before, and a notify that runs anyway. */
  private WorkflowResult report(UUID earlier) {
    return gantry.workflows().enqueue(Workflow.named("monthly report")
        .step("resize-1", job("image.resize"))
        .step("resize-2", job("image.resize"))
        .step("report", job("report.build"), Dependency.on("resize-1"), Dependency.on("resize-2"),
            Dependency.onJob(earlier))
        .step("notify", job("report.notify"), Dependency.on("report").runAnyway())
        .options(BatchOptions.defaults().withMetadata(Map.of("month", "2026-11")))
        .build());
  }

  @Test
  void showPrintsTheHeaderAndEveryStepWithWhatItWaitsFor() {
    UUID earlier = gantry.enqueue("upload.scan", null, NOBODY).id();
    WorkflowResult r = report(earlier);

    CliRun run = workflows("show", r.workflowId().toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .containsPattern("id +" + r.workflowId() + NL)
        .containsPattern("name +monthly report" + NL)
        .containsPattern("state +running" + NL)
        .containsPattern("progress +0\\.0% \\(0 of 4 steps finished\\)" + NL)
        .containsPattern("total +4" + NL)
        .containsPattern("pending +4" + NL)
        .containsPattern("cancelled +0" + NL)
        .containsPattern("finished +-" + NL)
        .containsPattern("metadata +\\{\"month\":\"2026-11\"\\}" + NL);
    List<String> lines = run.out().lines().toList();
    int table = lines.indexOf("");
    assertThat(table).isPositive();
    assertThat(lines.subList(table + 1, lines.size())).hasSize(5);
    assertThat(lines.get(table + 1)).matches("STEP +JOB +KIND +STATE +DEPENDS ON");
    assertThat(lines.get(table + 2)).matches("resize-1 +" + r.step("resize-1") + " +image\\.resize +available +-");
    assertThat(lines.get(table + 3)).matches("resize-2 +" + r.step("resize-2") + " +image\\.resize +available +-");
    assertThat(lines.get(table + 4))
        .matches("report +" + r.step("report") + " +report\\.build +pending +resize-1, resize-2, " + earlier);
    assertThat(lines.get(table + 5))
        .matches("notify +" + r.step("notify") + " +report\\.notify +pending +report \\(run anyway\\)");
  }

  @Test
  void showFollowsTheGraphAsStepsFinish() {
    UUID earlier = gantry.enqueue("upload.scan", null, NOBODY).id();
    WorkflowResult r = report(earlier);
    // resize-2 ends cancelled: report, behind a cancel edge, is cancelled with it; notify runs anyway.
    gantry.cancel(r.step("resize-2"));

    CliRun run = workflows("show", r.workflowId().toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .containsPattern("progress +50\\.0% \\(2 of 4 steps finished\\)" + NL)
        .containsPattern("cancelled +2" + NL)
        .containsPattern("resize-2 +" + r.step("resize-2") + " +image\\.resize +cancelled +-" + NL)
        .containsPattern("report +" + r.step("report") + " +report\\.build +cancelled +resize-1")
        .containsPattern("notify +" + r.step("notify") + " +report\\.notify +available +report \\(run anyway\\)" + NL);
  }

  @Test
  void jsonIsWhatTheApiAnswersTheBatchWithTheNameAndTheSteps() throws Exception {
    UUID earlier = gantry.enqueue("upload.scan", null, NOBODY).id();
    WorkflowResult r = report(earlier);

    CliRun run = workflows("show", r.workflowId().toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode json = mapper.readTree(run.out());
    assertThat(json).isEqualTo(mapper.readTree(ApiJson.write(
        WorkflowView.of(gantry.workflows().get(r.workflowId()).orElseThrow()))));
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "name", "tenant", "state", "total", "pending", "running", "completed",
        "dead", "cancelled", "percent", "metadata", "cancel_requested", "created_at", "sealed_at", "finished_at",
        "steps");
    ObjectNode batchPart = ((ObjectNode) json.deepCopy()).without(List.of("name", "steps"));
    JsonNode api = mapper.readTree(ApiJson.write(BatchView.of(gantry.batches().get(r.workflowId()).orElseThrow())));
    assertThat(batchPart).isEqualTo(api);
    assertThat(json.get("name").asText()).isEqualTo("monthly report");

    JsonNode steps = json.get("steps");
    assertThat(steps).hasSize(4);
    JsonNode report = steps.get(2);
    assertThat(report.get("step").asText()).isEqualTo("report");
    assertThat(report.get("job_id").asText()).isEqualTo(r.step("report").toString());
    assertThat(report.get("kind").asText()).isEqualTo("report.build");
    assertThat(report.get("queue").asText()).isEqualTo("nobody");
    assertThat(report.get("state").asText()).isEqualTo("pending");
    assertThat(report.get("attempt").asInt()).isZero();
    assertThat(report.get("progress_percent").isNull()).isTrue();
    assertThat(report.get("depends_on")).hasSize(3);
    assertThat(report.get("depends_on").get(0)).isEqualTo(mapper.readTree("{\"step\": \"resize-1\", \"job_id\": \""
        + r.step("resize-1") + "\", \"on_failure\": \"cancel\"}"));
    assertThat(report.get("depends_on").get(2)).isEqualTo(mapper.readTree("{\"step\": null, \"job_id\": \""
        + earlier + "\", \"on_failure\": \"cancel\"}"));
    assertThat(steps.get(3).get("depends_on").get(0).get("on_failure").asText()).isEqualTo("run");
    assertThat(steps.get(0).get("depends_on")).isEmpty();
    assertThat(steps.get(0).get("state").asText()).isEqualTo("available");
  }

  @Test
  void cancelCancelsEveryStepThatHasNotStartedAndFiresTheCallbacksOnce() throws Exception {
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("chain")
        .step("a", job("a"))
        .step("b", job("b"), Dependency.on("a"))
        .step("c", job("c"), Dependency.on("b").runAnyway())
        .options(BatchOptions.defaults().onComplete(JobRequest.of("done", null, NOBODY)))
        .build());
    UUID id = r.workflowId();

    CliRun cancel = workflows("cancel", id.toString());

    assertThat(cancel.err()).isEmpty();
    assertThat(cancel.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cancel.out())
        .startsWith("Cancelled workflow " + id + ": its steps that had not started will not run." + NL)
        .containsPattern("state +cancelled" + NL)
        .containsPattern("cancelled +3" + NL)
        .containsPattern("progress +100\\.0% \\(3 of 3 steps finished\\)" + NL)
        .containsPattern("finished +\\d{4}-")
        .containsPattern("a +" + r.step("a") + " +a +cancelled +-" + NL)
        .containsPattern("b +" + r.step("b") + " +b +cancelled +a" + NL)
        .containsPattern("c +" + r.step("c") + " +c +cancelled +b \\(run anyway\\)" + NL);
    assertThat(gantry.workflows().get(id).orElseThrow().batch().state()).isEqualTo(BatchState.CANCELLED);
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE kind = 'done'")).isEqualTo(1);

    CliRun again = workflows("cancel", id.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(again.out()).startsWith("Workflow " + id + " had already finished (cancelled); nothing changed." + NL);
    JsonNode json = mapper.readTree(workflows("cancel", id.toString(), "--json").out());
    assertThat(json.get("state").asText()).isEqualTo("cancelled");
    assertThat(json.get("cancel_requested").asBoolean()).isTrue();
    assertThat(json.get("steps").findValuesAsText("state")).containsExactly("cancelled", "cancelled", "cancelled");
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE kind = 'done'")).isEqualTo(1);
  }

  @Test
  void aStepWhoseJobIsGoneIsShownAsGone() {
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named(null)
        .step("a", job("a"))
        .step("b", job("b"), Dependency.on("a"))
        .build());
    // The API refuses to delete a workflow's waiting step; only a hand-made delete leaves a step without its job.
    db.execute("DELETE FROM " + schema + ".jobs WHERE id = '" + r.step("b") + "'");

    CliRun run = workflows("show", r.workflowId().toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).containsPattern("name +-" + NL)
        .containsPattern("b +" + r.step("b") + " +- +\\(gone\\) +a" + NL);
  }

  @Test
  void anUnknownWorkflowExitsOneWithNoWorkflow() {
    UUID unknown = UUID.randomUUID();
    // A plain batch shares the id space but is not a workflow; cancelling "it" must leave it alone.
    UUID batch = gantry.batches().enqueue(List.of(job("k")), BatchOptions.defaults()).batchId();
    for (UUID id : List.of(unknown, batch)) {
      for (String command : List.of("show", "cancel")) {
        CliRun run = workflows(command, id.toString());
        assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).as(command).isEqualTo("gantry workflows " + command + ": no workflow " + id + NL);
        assertThat(run.out()).as(command).isEmpty();
      }
    }
    assertThat(gantry.batches().get(batch).orElseThrow().state()).isEqualTo(BatchState.RUNNING);
  }

  @Test
  void badInputIsAUsageErrorAndEachCommandHasHelp() {
    Map<List<String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(List.of("show", "42"),
        "gantry workflows show: Invalid value for positional parameter at index 0 (ID): not a workflow id");
    bad.put(List.of("cancel"), "gantry workflows cancel: Missing required parameter: 'ID'");
    bad.put(List.of("cancel", "--force", UUID.randomUUID().toString()), "gantry workflows cancel: Unknown option: '--force'");
    bad.put(List.of("seal"), "gantry workflows: Unmatched argument at index 1: 'seal'");
    bad.forEach((args, message) -> {
      List<String> all = new ArrayList<>(List.of("workflows"));
      all.addAll(args);
      CliRun run = CliRun.withEnvironment(Map.of(), all.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", all).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as("%s", all).startsWith(message).endsWith("--help')" + NL);
      assertThat(run.err().lines()).hasSize(1);
    });

    CliRun alone = CliRun.withEnvironment(Map.of(), "workflows");
    assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(alone.err()).contains("Usage: gantry workflows").contains("show").contains("cancel");
    assertThat(CliRun.withEnvironment(Map.of(), "--help").out()).contains("workflows");
    for (String command : List.of("show", "cancel")) {
      CliRun help = CliRun.withEnvironment(Map.of(), "workflows", command, "--help");
      assertThat(help.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).as(command).contains("Usage: gantry workflows " + command).contains("--schema=NAME")
          .contains("--json");
    }
  }
}
