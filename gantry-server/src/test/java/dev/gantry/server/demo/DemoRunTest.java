package dev.gantry.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.CancelResult;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoRunTest {
  @Test
  void everyJobReachesItsPlannedFinalState() throws Exception {
    TestDatabase db = TestDatabase.get();
    String schema = "gantry_demo_" + db.newSchema();
    StringWriter printed = new StringWriter();

    DemoReport report = new DemoRun(db.dataSource(), new DemoSettings(60, 8, schema, Duration.ofSeconds(60)),
        new PrintWriter(printed, true)).run();

    assertThat(report.differences()).isEmpty();
    assertThat(report.actual().get(JobState.COMPLETED)).isEqualTo(56);
    assertThat(report.actual().get(JobState.DEAD)).isEqualTo(2);
    assertThat(report.actual().get(JobState.CANCELLED)).isEqualTo(2);
    assertThat(report.actual().unfinished()).isZero();
    assertThat(report.cancelledWhileQueued()).isEqualTo(CancelResult.CANCELLED);
    assertThat(report.cancelledWhileRunning()).isEqualTo(CancelResult.CANCEL_REQUESTED);
    // 2 flaky emails (failing once and twice) and the sync's first 2 of 3 attempts were retried.
    assertThat(report.events().retried()).isEqualTo(1 + 2 + 2);
    assertThat(report.events().snoozed()).isEqualTo(1);
    // The queued email (fired by the cancelling instance) and the running report.
    assertThat(report.events().cancelled()).isEqualTo(2);
    assertThat(report.deadAndCancelled()).extracting(j -> j.kind()).containsExactlyInAnyOrder(
        DemoJobs.CHARGE_CARD, DemoJobs.SYNC_INVENTORY, DemoJobs.SEND_EMAIL, DemoJobs.BUILD_REPORT);
    assertThat(printed.toString()).contains("Cancelled a queued email: CANCELLED")
        .contains("Cancelled the running report: CANCEL_REQUESTED")
        .containsPattern("completed +56 +dead +2 +cancelled +2");
    // Nothing left behind in the demo's schema but finished jobs.
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs")).isZero();
  }

  @Test
  void aRerunStartsFromAnEmptySchema() throws Exception {
    TestDatabase db = TestDatabase.get();
    String schema = "gantry_demo_" + db.newSchema();
    DemoSettings settings = new DemoSettings(DemoSettings.MIN_JOBS, 4, schema, Duration.ofSeconds(60));

    new DemoRun(db.dataSource(), settings, new PrintWriter(new StringWriter())).run();
    DemoReport second = new DemoRun(db.dataSource(), settings, new PrintWriter(new StringWriter())).run();

    assertThat(second.differences()).isEmpty();
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs")).isEqualTo(DemoSettings.MIN_JOBS);
  }
}
