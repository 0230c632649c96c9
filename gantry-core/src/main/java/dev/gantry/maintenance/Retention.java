package dev.gantry.maintenance;

import java.time.Duration;

/**
 * How long finished jobs are kept before the pruner deletes them, per final state.
 * {@code null} keeps that state forever.
 */
public record Retention(Duration completed, Duration dead, Duration cancelled) {
  /** Completed jobs for a day; dead and cancelled ones for a week. */
  public static final Retention DEFAULT = new Retention(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(7));

  public Retention {
    for (Duration d : new Duration[] {completed, dead, cancelled}) {
      if (d != null && d.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative, got " + d);
      }
    }
  }
}
