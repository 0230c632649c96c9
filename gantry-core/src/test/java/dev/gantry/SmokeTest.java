package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
  record Greet(String name) {}

  @Test
  void enqueuedJobRunsAndStoresItsResult() throws Exception {
    try (Gantry gantry = TestDatabase.get().newGantry()) {
      EnqueueResult r = gantry.enqueue("greet", new Greet("Ada"));
      try (Worker worker = gantry.worker()
          .queue("default", 4)
          .handler("greet", Greet.class, (args, ctx) -> Map.of("hello", args.name()))
          .start()) {
        Job job = gantry.awaitCompletion(r.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(job.result().get("hello").asText()).isEqualTo("Ada");
        assertThat(job.attempt()).isEqualTo(1);
      }
    }
  }
}
