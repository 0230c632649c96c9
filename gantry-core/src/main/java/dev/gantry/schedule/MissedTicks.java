package dev.gantry.schedule;

import java.util.Locale;

/**
 * What a schedule does with ticks it missed: ticks that came more than its grace ago without a job
 * (every node was down, or the schedule's ticker could not reach the database).
 */
public enum MissedTicks {
  /** Enqueue nothing for them; the schedule goes on with its next tick. */
  SKIP,
  /**
   * Enqueue one job for all of them together, for the latest one (its metadata has
   * {@code catch_up: true}); then go on with the next tick.
   */
  RUN_ONCE;

  /** {@code skip} or {@code run_once}, as stored and as the HTTP API names it. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The policy named {@code skip} or {@code run_once}.
   *
   * @throws IllegalArgumentException naming {@code missed} for any other name
   */
  public static MissedTicks of(String name) {
    for (MissedTicks m : values()) {
      if (m.dbName().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("missed: must be skip or run_once, got: " + name);
  }
}
