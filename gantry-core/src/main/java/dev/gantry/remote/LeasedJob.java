package dev.gantry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A job a remote worker claimed: what it needs to run the attempt, and the lease token that every
 * later heartbeat and outcome must carry.
 *
 * @param attempt this attempt's number (1 for the first run)
 * @param maxAttempts the job's own limit, or null when the default retry policy decides
 * @param leaseExpiresAt when the lease ends unless renewed, by the database clock
 * @param tenant the job's tenant, or null
 * @param createdAt when the job was enqueued
 * @param scheduledAt when this attempt became due (the enqueue, or the end of a delay or backoff)
 * @param attemptedAt when this attempt started: the claim, by the database clock
 */
public record LeasedJob(UUID id, String queue, String kind, JsonNode args, JsonNode metadata, int attempt,
    Integer maxAttempts, UUID leaseToken, Instant leaseExpiresAt, String tenant, Instant createdAt,
    Instant scheduledAt, Instant attemptedAt) {}
