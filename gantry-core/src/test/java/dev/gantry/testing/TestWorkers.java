package dev.gantry.testing;

import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.worker.WorkerBuilder;
import java.time.Duration;
import java.util.UUID;

/** Short worker timings and small waiting helpers shared by the functional tests. */
public final class TestWorkers {
  /** Long enough for any single step of a healthy test; failures show up as a timeout. */
  public static final Duration WAIT = Duration.ofSeconds(15);

  private TestWorkers() {}

  /**
   * A worker with test timings: 2 s leases renewed every 500 ms, polling every 200 ms, staging
   * every 100 ms, and a short shutdown timeout. Add queues and handlers, then start it.
   */
  public static WorkerBuilder fast(Gantry gantry) {
    return gantry.worker()
        .leaseDuration(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(500))
        .pollInterval(Duration.ofMillis(200))
        .stageInterval(Duration.ofMillis(100))
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  /** The job, which must exist. */
  public static Job job(Gantry gantry, UUID id) {
    return gantry.job(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  /** Waits until the job is in the given state and returns it as then read. */
  public static Job awaitState(Gantry gantry, UUID id, JobState state) {
    return await("job " + id + " to be " + state).atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> job(gantry, id), j -> j.state() == state);
  }

  /** Waits for the job to finish (by notification) and returns it; fails if it does not in time. */
  public static Job awaitFinished(Gantry gantry, UUID id) throws InterruptedException {
    return gantry.awaitCompletion(id, WAIT).orElseThrow(() -> new AssertionError("job " + id + " did not finish in " + WAIT));
  }
}
