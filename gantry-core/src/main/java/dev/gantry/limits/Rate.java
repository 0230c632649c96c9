package dev.gantry.limits;

import java.time.Duration;

/**
 * A rate limit: at most {@code limit} jobs start in any period of length {@code period} (a sliding
 * window by the database clock, not fixed windows, so no two neighbouring windows can add up to
 * more). A start is a claim: retries count again, and so does an attempt given back unfinished.
 *
 * @param limit starts per period, 1 to 1,000,000
 * @param period the period's length in whole milliseconds, 1 ms to 7 days
 */
public record Rate(int limit, Duration period) {
  public static final int MAX_LIMIT = 1_000_000;
  public static final Duration MAX_PERIOD = Duration.ofDays(7);

  /**
   * @throws IllegalArgumentException naming {@code limit} or {@code period} if it is out of range
   */
  public Rate {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + " starts per period, got " + limit);
    }
    if (period == null || period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(MAX_PERIOD) > 0
        || period.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException("period must be whole milliseconds from 1 ms to 7 days, got " + period);
    }
  }

  /** At most {@code limit} starts per {@code period}. */
  public static Rate of(int limit, Duration period) {
    return new Rate(limit, period);
  }

  /** At most {@code limit} starts per second. */
  public static Rate perSecond(int limit) {
    return new Rate(limit, Duration.ofSeconds(1));
  }

  /** At most {@code limit} starts per minute. */
  public static Rate perMinute(int limit) {
    return new Rate(limit, Duration.ofMinutes(1));
  }
}
