package dev.gantry.worker;

import java.time.Duration;

/**
 * When a failed job runs again, and how many attempts it gets. Set per kind when registering a
 * handler; {@link ExponentialBackoff#DEFAULT} otherwise.
 */
public interface RetryPolicy {
  /** Attempts a job of this kind gets unless it was enqueued with its own {@code maxAttempts}. */
  int maxAttempts();

  /** How long after failed attempt number {@code attempt} (1 = first) the job is due again. */
  Duration backoff(int attempt);
}
