package dev.gantry.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A snapshot of one job as stored, running or finished. All timestamps come from the database clock.
 *
 * @param maxAttempts the job's own limit, or null when its kind's retry policy decides
 * @param result the handler's return value as JSON, for completed jobs (null otherwise)
 * @param errors one entry per failed attempt, oldest first
 * @param progressItems per-item results the running job reported (a JSON array), or null when none
 * @param cancelRequested a cancel was asked for while it ran; it ends as cancelled
 * @param tenant the tenant the job belongs to, or null when none
 * @param batchId the batch or workflow the job belongs to, or null
 * @param webhookUrl the URL called once the job has finished, or null
 */
public record Job(
    UUID id,
    String queue,
    String kind,
    JsonNode args,
    JobState state,
    int priority,
    int attempt,
    Integer maxAttempts,
    Duration timeout,
    String uniqueKey,
    List<String> tags,
    JsonNode metadata,
    List<JobError> errors,
    Integer progressPercent,
    String progressMessage,
    JsonNode progressItems,
    JsonNode result,
    Instant createdAt,
    Instant scheduledAt,
    Instant attemptedAt,
    Instant finishedAt,
    String workerId,
    boolean cancelRequested,
    Instant leaseExpiresAt,
    String tenant,
    UUID batchId,
    URI webhookUrl) {}
