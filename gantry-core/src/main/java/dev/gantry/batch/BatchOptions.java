package dev.gantry.batch;

import dev.gantry.enqueue.JobRequest;
import java.util.Map;
import java.util.Objects;

/**
 * How a batch is made: its tenant and metadata, and the callback jobs enqueued once when its last
 * member finishes.
 *
 * @param tenant the tenant the batch and every member belong to, or null for none; a member that
 *     names another tenant is refused
 * @param metadata free JSON-serialisable data stored with the batch
 * @param onSuccess enqueued when every member completed (null: none)
 * @param onFailure enqueued when any member is dead (null: none)
 * @param onComplete enqueued when every member finished, however (null: none)
 */
public record BatchOptions(String tenant, Map<String, Object> metadata, JobRequest onSuccess, JobRequest onFailure,
    JobRequest onComplete) {

  public BatchOptions {
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    for (JobRequest callback : new JobRequest[] {onSuccess, onFailure, onComplete}) {
      if (callback != null && (callback.options().delay() != null || callback.options().runAt() != null
          || callback.options().uniqueKey() != null || !callback.options().tags().isEmpty())) {
        throw new IllegalArgumentException("callback " + callback.kind() + ": a batch callback takes queue, priority, "
            + "max attempts, timeout and metadata only (no delay, run-at time, unique key or tags)");
      }
      if (callback != null && callback.options().tenant() != null && !callback.options().tenant().equals(tenant)) {
        throw new IllegalArgumentException("callback " + callback.kind() + ": its tenant must be the batch's ("
            + tenant + "), got " + callback.options().tenant());
      }
    }
  }

  /** No tenant, no metadata, no callbacks. */
  public static BatchOptions defaults() {
    return new BatchOptions(null, Map.of(), null, null, null);
  }

  public BatchOptions withTenant(String tenant) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, onComplete);
  }

  public BatchOptions withMetadata(Map<String, Object> metadata) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, onComplete);
  }

  public BatchOptions onSuccess(JobRequest callback) {
    return new BatchOptions(tenant, metadata, callback, onFailure, onComplete);
  }

  public BatchOptions onFailure(JobRequest callback) {
    return new BatchOptions(tenant, metadata, onSuccess, callback, onComplete);
  }

  public BatchOptions onComplete(JobRequest callback) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, callback);
  }
}
