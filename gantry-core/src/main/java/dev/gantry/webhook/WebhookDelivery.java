package dev.gantry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One webhook call about a finished job or batch, with every attempt made so far. Times are the
 * database clock's. Read with {@code Gantry.webhooks().deliveries(id)}.
 *
 * @param id the delivery's id, sent as {@code Gantry-Webhook-Id} and as the payload's {@code id}:
 *     receivers that may see a delivery twice (it is delivered at least once) use it to tell
 * @param subject {@code job} or {@code batch} (workflows are batches)
 * @param event what happened: {@code job.completed}, {@code job.dead}, {@code job.cancelled},
 *     {@code batch.completed}, {@code batch.failed}, {@code batch.cancelled}, or the same three
 *     for {@code workflow.}
 * @param payload the JSON body every attempt sends
 * @param attempt attempts started so far
 * @param nextAttemptAt when a pending delivery is due next (null once delivered or dead)
 * @param lastStatusCode the last attempt's HTTP status, or null when it got none
 * @param lastError the last attempt's failure, or null when it was delivered (or not tried yet)
 * @param deliveredAt when a 2xx answer came, or null
 * @param attempts every attempt, oldest first
 */
public record WebhookDelivery(
    UUID id,
    String subject,
    UUID subjectId,
    String tenant,
    URI url,
    String event,
    JsonNode payload,
    DeliveryState state,
    int attempt,
    Instant nextAttemptAt,
    Integer lastStatusCode,
    String lastError,
    Instant createdAt,
    Instant deliveredAt,
    List<DeliveryAttempt> attempts) {}
