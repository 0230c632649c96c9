package dev.gantry.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Backoff that doubles with each failed attempt, from {@code base} up to {@code max}, spread by
 * ± {@code jitter} (a fraction) so that jobs which failed together do not retry together.
 */
public record ExponentialBackoff(Duration base, Duration max, double jitter, int maxAttempts) implements RetryPolicy {
  /** 1 s, 2 s, 4 s ... up to 1 hour, ±20 %, 20 attempts (about 9 hours in all). */
  public static final ExponentialBackoff DEFAULT = new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofHours(1), 0.2, 20);

  public ExponentialBackoff {
    if (base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 <= base <= max, got base " + base + ", max " + max);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
  }

  @Override
  public Duration backoff(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 40));
    double millis = Math.min((double) base.toMillis() * Math.pow(2, doublings), max.toMillis());
    double spread = jitter == 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    return Duration.ofMillis(Math.round(millis * spread));
  }
}
