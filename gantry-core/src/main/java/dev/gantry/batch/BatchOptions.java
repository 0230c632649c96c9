package dev.gantry.batch;

import dev.gantry.enqueue.JobRequest;
import dev.gantry.webhook.Webhook;
import java.net.URI;
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
 * @param webhook the URL called once when the batch (or workflow) has finished, or null; see
 *     {@link #withWebhook(URI)}
 */
public record BatchOptions(String tenant, Map<String, Object> metadata, JobRequest onSuccess, JobRequest onFailure,
    JobRequest onComplete, Webhook webhook) {

  public BatchOptions {
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    for (JobRequest callback : new JobRequest[] {onSuccess, onFailure, onComplete}) {
      if (callback != null && (callback.options().delay() != null || callback.options().runAt() != null
          || callback.options().uniqueKey() != null || !callback.options().tags().isEmpty()
          || callback.options().webhook() != null)) {
        throw new IllegalArgumentException("callback " + callback.kind() + ": a batch callback takes queue, priority, "
            + "max attempts, timeout and metadata only (no delay, run-at time, unique key, tags or webhook)");
      }
      if (callback != null && callback.options().tenant() != null && !callback.options().tenant().equals(tenant)) {
        throw new IllegalArgumentException("callback " + callback.kind() + ": its tenant must be the batch's ("
            + tenant + "), got " + callback.options().tenant());
      }
    }
  }

  /** Options without a webhook, as before webhooks existed. */
  public BatchOptions(String tenant, Map<String, Object> metadata, JobRequest onSuccess, JobRequest onFailure,
      JobRequest onComplete) {
    this(tenant, metadata, onSuccess, onFailure, onComplete, null);
  }

  /** No tenant, no metadata, no callbacks, no webhook. */
  public static BatchOptions defaults() {
    return new BatchOptions(null, Map.of(), null, null, null, null);
  }

  public BatchOptions withTenant(String tenant) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, onComplete, webhook);
  }

  public BatchOptions withMetadata(Map<String, Object> metadata) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, onComplete, webhook);
  }

  public BatchOptions onSuccess(JobRequest callback) {
    return new BatchOptions(tenant, metadata, callback, onFailure, onComplete, webhook);
  }

  public BatchOptions onFailure(JobRequest callback) {
    return new BatchOptions(tenant, metadata, onSuccess, callback, onComplete, webhook);
  }

  public BatchOptions onComplete(JobRequest callback) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, callback, webhook);
  }

  /**
   * Calls this URL once, when the batch (or workflow) has finished: {@code batch.completed} (or
   * {@code workflow.completed}) when every member completed, {@code .failed} when any is dead,
   * {@code .cancelled} when it was cancelled. Signed, retried and recorded as a job's webhook
   * ({@link dev.gantry.enqueue.JobOptions#withWebhook(URI)}), and, like it, never changes the
   * batch. Members' own webhooks, if they have any, are called as each member finishes.
   *
   * @throws IllegalArgumentException naming {@code webhook_url} if the URL is not an absolute
   *     http or https URL with a host (the host allow-list is checked when the batch is made)
   */
  public BatchOptions withWebhook(URI url) {
    return withWebhook(Webhook.to(url));
  }

  /** As {@link #withWebhook(URI)}, with the webhook's signing key (null: none). */
  public BatchOptions withWebhook(Webhook webhook) {
    return new BatchOptions(tenant, metadata, onSuccess, onFailure, onComplete, webhook);
  }
}
