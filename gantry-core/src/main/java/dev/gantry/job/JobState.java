package dev.gantry.job;

/**
 * Where a job is in its life.
 *
 * <pre>
 *   scheduled ──(due)──▶ available ──(claimed)──▶ running ──▶ completed
 *       ▲                    ▲                      │  │ └──▶ cancelled
 *       └──── retryable ◀────┴──(failed, attempts left)┘ └──▶ dead (no attempts left / failed permanently)
 * </pre>
 *
 * The first four live in the hot {@code jobs} table; the last three in {@code finished_jobs}.
 */
public enum JobState {
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
