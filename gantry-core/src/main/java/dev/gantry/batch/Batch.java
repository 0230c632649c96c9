package dev.gantry.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A batch as read at one moment: its counts are live. {@code pending} are members waiting to run
 * (available, scheduled or retrying), {@code running} those being worked on; the finished counts
 * only grow (pruning finished members does not lower them).
 *
 * @param percent finished members (completed, dead or cancelled) as a share of the total, 0 to
 *     100; 100 for a sealed empty batch
 */
public record Batch(
    UUID id,
    String tenant,
    JsonNode metadata,
    BatchState state,
    int total,
    int pending,
    int running,
    int completed,
    int dead,
    int cancelled,
    double percent,
    boolean cancelRequested,
    Instant createdAt,
    Instant sealedAt,
    Instant finishedAt) {

  /** Members that finished, however. */
  public int finished() {
    return completed + dead + cancelled;
  }
}
