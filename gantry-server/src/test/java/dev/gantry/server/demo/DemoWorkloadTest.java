package dev.gantry.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.JobState;
import dev.gantry.server.demo.DemoWorkload.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoWorkloadTest {
  @Test
  void planHasExactlyTheRequestedJobsAndEveryScenario() {
    DemoWorkload workload = DemoWorkload.of(1_000);

    assertThat(workload.jobs()).hasSize(1_000);
    assertThat(workload.count(Role.FLAKY)).isEqualTo(40);
    assertThat(workload.count(Role.DELAYED)).isEqualTo(20);
    for (Role role : Role.values()) {
      assertThat(workload.count(role)).as(role.name()).isPositive();
    }
    assertThat(workload.expectedFinalStates()).isEqualTo(Map.of(
        JobState.COMPLETED, 996L, JobState.DEAD, 2L, JobState.CANCELLED, 2L));
  }

  @Test
  void theSmallestWorkloadStillHasEveryScenario() {
    DemoWorkload workload = DemoWorkload.of(DemoSettings.MIN_JOBS);

    assertThat(workload.jobs()).hasSize(DemoSettings.MIN_JOBS);
    for (Role role : Role.values()) {
      assertThat(workload.count(role)).as(role.name()).isPositive();
    }
  }

  @Test
  void everyRunEnqueuesTheSameJobsInTheSameOrder() {
    assertThat(DemoWorkload.of(200).requests()).isEqualTo(DemoWorkload.of(200).requests());
  }
}
