package dev.gantry.webhook;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of a webhook delivery, as logged on its row. Times are the database clock's.
 *
 * @param at when the attempt was started
 * @param statusCode the receiver's HTTP status, or null when none came (timeout, connection failure, refused before sending)
 * @param error what went wrong, or null when it was delivered
 * @param duration how long the attempt took
 * @param retryIn the backoff before the next attempt, or null when this attempt ended the delivery
 */
public record DeliveryAttempt(int attempt, Instant at, Integer statusCode, String error, Duration duration,
    Duration retryIn) {}
