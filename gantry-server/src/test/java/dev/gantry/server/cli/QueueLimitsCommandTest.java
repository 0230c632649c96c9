package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code gantry queues limit | limits | unlimit}. */
class QueueLimitsCommandTest {
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

  @Test
  void limitListAndLiftAQueuesLimits() throws Exception {
    CliRun set = CliRun.onTestDatabase("queues", "limit", "crm", "--schema", schema, "--partition-by", "args.account_id",
        "--partition-concurrency", "2", "--rate", "60/1m", "--partition-rate", "5/500ms");

    assertThat(set.err()).isEmpty();
    assertThat(set.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(gantry.limits().get("crm")).contains(QueueLimit.of("crm").partitionedBy("args.account_id")
        .withPartitionConcurrency(2).withRate(Rate.perMinute(60)).withPartitionRate(Rate.of(5, Duration.ofMillis(500))));
    List<String> lines = CliRun.onTestDatabase("queues", "limits", "--schema", schema).out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("QUEUE +CONCURRENCY +PARTITION_BY +PER_PARTITION +RATE +PARTITION_RATE");
    assertThat(lines.get(1)).matches("crm +- +args.account_id +2 +60/1m +5/0.5s");
    JsonNode json = new ObjectMapper().readTree(CliRun.onTestDatabase("queues", "limits", "--schema", schema, "--json").out());
    assertThat(json.get("limits").get(0).get("rate").get("period").asText()).isEqualTo("PT1M");

    CliRun lifted = CliRun.onTestDatabase("queues", "unlimit", "crm", "--schema", schema);
    assertThat(lifted.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(gantry.limits().list()).isEmpty();
    assertThat(CliRun.onTestDatabase("queues", "limits", "--schema", schema).out()).contains("No queue has limits.");
    CliRun again = CliRun.onTestDatabase("queues", "unlimit", "crm", "--schema", schema);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(again.err()).contains("queue crm has no limits");
  }

  @Test
  void mistakesAreUsageErrorsNamingTheOption() {
    CliRun none = CliRun.onTestDatabase("queues", "limit", "crm", "--schema", schema);
    CliRun zero = CliRun.onTestDatabase("queues", "limit", "crm", "--schema", schema, "--concurrency", "0");
    CliRun unpartitioned = CliRun.onTestDatabase("queues", "limit", "crm", "--schema", schema, "--partition-concurrency", "2");
    CliRun badRate = CliRun.onTestDatabase("queues", "limit", "crm", "--schema", schema, "--rate", "sixty");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("give at least one of --concurrency");
    assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(zero.err()).contains("--concurrency must be between 1 and 100000");
    assertThat(unpartitioned.err()).contains("need --partition-by");
    assertThat(badRate.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badRate.err()).contains("expected starts per period such as 60/1m");
    assertThat(gantry.limits().list()).isEmpty();
  }
}
