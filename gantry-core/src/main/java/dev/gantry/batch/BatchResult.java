package dev.gantry.batch;

import dev.gantry.enqueue.EnqueueResult;
import java.util.List;
import java.util.UUID;

/**
 * What enqueueing into a batch returned: the batch's id and one result per request, in order. A
 * result with {@code duplicate() == true} is an existing job holding the same unique key; it is
 * not a member.
 */
public record BatchResult(UUID batchId, List<EnqueueResult> jobs) {
  public BatchResult {
    jobs = List.copyOf(jobs);
  }
}
