package dev.gantry.job;

import java.util.UUID;

/**
 * One job leaving its current state, as written by {@link JobTransitions}.
 *
 * @param leaseToken the lease the change is made under; null only for a job that is not running
 *     (an operator cancelling a queued job)
 * @param resultJson the handler's result, for {@link Outcome#COMPLETED}
 * @param errorJson the failure to append to the job's errors, or null
 * @param delayMillis for {@link Outcome#RETRY} and {@link Outcome#SNOOZE}: how long after the
 *     database's now() the job becomes due again
 * @param tenant when not null, the transition applies only if the job belongs to this tenant
 */
public record Transition(UUID jobId, UUID leaseToken, Outcome outcome, String resultJson, String errorJson, long delayMillis,
    String tenant) {

  /** A transition that does not check the job's tenant (workers, the rescuer, unscoped operators). */
  public Transition(UUID jobId, UUID leaseToken, Outcome outcome, String resultJson, String errorJson, long delayMillis) {
    this(jobId, leaseToken, outcome, resultJson, errorJson, delayMillis, null);
  }

  public enum Outcome {
    COMPLETED,
    DEAD,
    CANCELLED,
    /** A failed attempt that will run again after the delay. */
    RETRY,
    /** Run again after the delay without using up an attempt (snooze, or given back at shutdown). */
    SNOOZE;

    public String dbName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
