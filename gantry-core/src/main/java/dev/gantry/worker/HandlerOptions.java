package dev.gantry.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-kind settings given with a handler.
 *
 * @param retryPolicy backoff and default attempts for this kind
 * @param timeout default attempt timeout for this kind when the job has none; null for the worker's
 */
public record HandlerOptions(RetryPolicy retryPolicy, Duration timeout) {
  public HandlerOptions {
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  public static HandlerOptions defaults() {
    return new HandlerOptions(ExponentialBackoff.DEFAULT, null);
  }

  public HandlerOptions withRetryPolicy(RetryPolicy retryPolicy) {
    return new HandlerOptions(retryPolicy, timeout);
  }

  public HandlerOptions withTimeout(Duration timeout) {
    return new HandlerOptions(retryPolicy, timeout);
  }
}
