package dev.gantry.worker;

import java.time.Duration;

/**
 * Run this job again after a delay (by the database clock). Not a failure: no error is recorded
 * and no attempt is used up.
 */
public final class SnoozeJob extends JobControl {
  private final Duration delay;

  public SnoozeJob(Duration delay) {
    super("snoozed for " + delay, null);
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("snooze delay must be zero or positive, got " + delay);
    }
    this.delay = delay;
  }

  public Duration delay() {
    return delay;
  }
}
