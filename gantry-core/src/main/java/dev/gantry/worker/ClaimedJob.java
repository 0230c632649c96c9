package dev.gantry.worker;

import java.util.UUID;

/** A job as a claim returns it: what the runtime needs to run one attempt under its lease. */
record ClaimedJob(
    UUID id,
    String queue,
    String kind,
    String argsJson,
    String metadataJson,
    int attempt,
    Integer maxAttempts,
    Long timeoutMillis,
    UUID leaseToken,
    boolean cancelRequested) {}
