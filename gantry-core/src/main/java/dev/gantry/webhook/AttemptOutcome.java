package dev.gantry.webhook;

import java.time.Duration;

/**
 * What one attempt came to, as webhook_record.sql records it.
 *
 * @param state {@code pending} (to be retried after {@code retryIn}), {@code delivered} or {@code dead}
 * @param statusCode the receiver's HTTP status, or null when none came
 * @param error why it was not delivered, or null when it was
 * @param retryIn the backoff before the next attempt; null unless pending
 */
record AttemptOutcome(DeliveryState state, Integer statusCode, String error, Duration retryIn) {
  static AttemptOutcome delivered(int statusCode) {
    return new AttemptOutcome(DeliveryState.DELIVERED, statusCode, null, null);
  }

  static AttemptOutcome dead(Integer statusCode, String error) {
    return new AttemptOutcome(DeliveryState.DEAD, statusCode, error, null);
  }

  static AttemptOutcome retry(Integer statusCode, String error, Duration retryIn) {
    return new AttemptOutcome(DeliveryState.PENDING, statusCode, error, retryIn);
  }
}
