package dev.gantry.webhook;

import java.util.UUID;

/**
 * A delivery claimed for one attempt (webhook_claim.sql).
 *
 * @param body the payload's exact bytes, the same on every attempt (the signature covers them)
 * @param attempt this attempt's number, 1 for the first
 * @param claimedAtMillis the database clock at the claim, in Unix milliseconds
 */
record ClaimedDelivery(UUID id, UUID subjectId, String url, String signingKey, String event, byte[] body, int attempt,
    long claimedAtMillis) {}
