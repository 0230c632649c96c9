package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueuesCommandTest {
  private final TestDatabase db = TestDatabase.get();
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

  private void fill() {
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("mail"));
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("mail"));
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("mail").withDelay(Duration.ofHours(1)));
    UUID cancelled = gantry.enqueue("k", null, JobOptions.defaults().withQueue("reports")).id();
    gantry.cancel(cancelled);
  }

  @Test
  void aTableOfCountsPerQueueAndState() {
    fill();

    CliRun run = CliRun.onTestDatabase("queues", "--schema", schema);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("QUEUE +PENDING +SCHEDULED +AVAILABLE +RUNNING +RETRYABLE +COMPLETED +DEAD +CANCELLED +TOTAL");
    assertThat(lines.get(1)).matches("mail +0 +1 +2 +0 +0 +0 +0 +0 +3");
    assertThat(lines.get(2)).matches("reports +0 +0 +0 +0 +0 +0 +0 +1 +1");
  }

  @Test
  void workflowStepsWaitingForTheirDependenciesArePending() throws Exception {
    JobOptions flows = JobOptions.defaults().withQueue("flows");
    gantry.workflows().enqueue(Workflow.named("w")
        .step("first", JobRequest.of("k", Map.of(), flows))
        .step("second", JobRequest.of("k", Map.of(), flows), Dependency.on("first"))
        .step("third", JobRequest.of("k", Map.of(), flows), Dependency.on("second"))
        .build());

    CliRun run = CliRun.onTestDatabase("queues", "--schema", schema);
    assertThat(run.out().lines().toList().get(1)).matches("flows +2 +0 +1 +0 +0 +0 +0 +0 +3");
    JsonNode json = new ObjectMapper().readTree(CliRun.onTestDatabase("queues", "--schema", schema, "--json").out());
    assertThat(json.get("queues").get(0).get("pending").asLong()).isEqualTo(2);
  }

  @Test
  void jsonHasEveryStateOfEveryQueue() throws Exception {
    fill();

    JsonNode json = new ObjectMapper().readTree(CliRun.onTestDatabase("queues", "--schema", schema, "--json").out());

    JsonNode mail = json.get("queues").get(0);
    assertThat(mail.get("queue").asText()).isEqualTo("mail");
    assertThat(mail.get("available").asLong()).isEqualTo(2);
    assertThat(mail.get("scheduled").asLong()).isEqualTo(1);
    assertThat(mail.get("dead").asLong()).isZero();
    assertThat(mail.get("total").asLong()).isEqualTo(3);
    assertThat(json.get("queues").get(1).get("cancelled").asLong()).isEqualTo(1);
    assertThat(json.get("queues")).hasSize(2);
  }

  @Test
  void noJobsSaysSo() {
    CliRun run = CliRun.onTestDatabase("queues", "--schema", schema);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isEqualTo("No jobs in any queue." + System.lineSeparator());
    assertThat(CliRun.withEnvironment(Map.of(), "queues", "--help").out()).contains("Usage: gantry queues").contains("--json");
  }
}
