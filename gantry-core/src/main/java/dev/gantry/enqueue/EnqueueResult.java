package dev.gantry.enqueue;

import java.util.UUID;

/**
 * What an enqueue did.
 *
 * @param id the job's id; for a duplicate, the id of the existing job with the same unique key
 * @param duplicate true when no job was inserted because an unfinished job had the same unique key
 */
public record EnqueueResult(UUID id, boolean duplicate) {}
