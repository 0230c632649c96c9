package dev.gantry.job;

/**
 * Where a job is in its life. A workflow step with unfinished dependencies starts {@code pending}
 * and becomes {@code available} (or {@code scheduled}) when they have finished, or {@code cancelled}
 * when one it needs failed.
 *
 * <pre>
 *   scheduled ──(due)──▶ available ──(claimed)──▶ running ──▶ completed
 *       ▲                    ▲                      │  │ └──▶ cancelled
 *       └──── retryable ◀────┴──(failed, attempts left)┘ └──▶ dead (no attempts left / failed permanently)
 * </pre>
 *
 * The first five live in the hot {@code jobs} table; the last three in {@code finished_jobs}.
 */
public enum JobState {
  /** A workflow step waiting for its dependencies to finish. */
  PENDING,
  /** Waiting for its run time (delayed or snoozed). */
  SCHEDULED,
  /** Due and waiting for a worker. */
  AVAILABLE,
  /** Claimed by a worker that holds its lease. */
  RUNNING,
  /** Failed an attempt and waits for its backoff to pass. */
  RETRYABLE,
  /** Its handler returned; the result is stored. */
  COMPLETED,
  /** Out of attempts, or failed permanently: the dead-letter state. An operator may retry it. */
  DEAD,
  /** Cancelled before or while running. An operator may retry it. */
  CANCELLED;

  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isFinished() {
    return this == COMPLETED || this == DEAD || this == CANCELLED;
  }

  public static JobState fromDb(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
