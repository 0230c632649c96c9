package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void demoRunsToItsSummaryAndExitsZero() {
    String schema = "gantry_demo_" + TestDatabase.get().newSchema();

    CliRun run = CliRun.onTestDatabase("demo", "--jobs", "30", "--concurrency", "10", "--schema", schema);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .startsWith("Gantry demo on PostgreSQL at jdbc:postgresql://")
        .contains("Enqueued 30 jobs")
        .containsPattern("Summary: 30 jobs in [0-9.]+ s .*throughput [0-9]+ jobs/s")
        .containsPattern("completed +26 +26")
        .containsPattern("dead +2 +2")
        .containsPattern("cancelled +2 +2")
        .containsPattern("unfinished +0 +0")
        .contains("All 30 jobs reached their expected final state.");
  }
}
