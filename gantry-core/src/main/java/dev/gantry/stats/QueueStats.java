package dev.gantry.stats;

import dev.gantry.job.JobState;
import java.time.Duration;
import java.util.Map;

/**
 * One queue's numbers: how many jobs it has in each state now, and what happened to the jobs that
 * finished within the window (by the database clock).
 *
 * @param counts jobs per state now (finished states count what has not been pruned); states
 *     without jobs are absent
 * @param window the window the other fields describe
 * @param completed jobs completed within the window
 * @param dead jobs that died within the window
 * @param cancelled jobs cancelled within the window
 * @param finishedPerMinute completed, dead and cancelled jobs per minute over the window
 * @param waitTime for jobs that completed or died within the window, how long their last attempt
 *     waited from due to start ({@code attempted_at - scheduled_at}); null when there were none
 * @param runTime for the same jobs, how long their last attempt ran ({@code finished_at - attempted_at});
 *     null when there were none
 */
public record QueueStats(
    String queue,
    Map<JobState, Long> counts,
    Duration window,
    long completed,
    long dead,
    long cancelled,
    double finishedPerMinute,
    Percentiles waitTime,
    Percentiles runTime) {

  public QueueStats {
    counts = Map.copyOf(counts);
  }
}
