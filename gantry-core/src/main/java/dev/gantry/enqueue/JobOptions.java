package dev.gantry.enqueue;

import dev.gantry.webhook.Webhook;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a job is enqueued. Start from {@link #defaults()} and change what you need; every
 * {@code with...} method returns a new value and checks its argument at once.
 *
 * @param queue the queue the job goes to; workers serve named queues ({@code default} unless set)
 * @param priority lower runs first among jobs of one queue that are due; -100 to 100, default 0
 * @param runAt run no earlier than this instant (the database clock decides when it is reached)
 * @param delay run no earlier than this long after the database's {@code now()} at enqueue
 * @param maxAttempts attempts before the job is dead; {@code null} lets the kind's retry policy decide
 * @param timeout an attempt running longer is interrupted and counts as failed; {@code null} for the worker's default
 * @param uniqueKey while a job with this key has not finished, enqueueing another returns the existing one
 * @param tags free labels to filter by
 * @param metadata free JSON-serialisable data stored with the job
 * @param tenant the tenant the job belongs to ({@code null}: none); its unique key is unique within
 *     that tenant, and {@link dev.gantry.Gantry#forTenant(String)} sees only that tenant's jobs
 * @param webhook the URL called once the job has finished (completed, dead or cancelled), or
 *     {@code null} for none; see {@link #withWebhook(URI)}
 */
public record JobOptions(
    String queue,
    int priority,
    Instant runAt,
    Duration delay,
    Integer maxAttempts,
    Duration timeout,
    String uniqueKey,
    List<String> tags,
    Map<String, Object> metadata,
    String tenant,
    Webhook webhook) {

  public static final String DEFAULT_QUEUE = "default";
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public JobOptions {
    requireQueueName(queue);
    if (priority < -100 || priority > 100) {
      throw new IllegalArgumentException("priority must be between -100 and 100 (lower runs first), got " + priority);
    }
    if (runAt != null && delay != null) {
      throw new IllegalArgumentException("set either runAt or delay, not both");
    }
    if (delay != null && delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    if (maxAttempts != null && maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (uniqueKey != null && (uniqueKey.isBlank() || uniqueKey.length() > 1000)) {
      throw new IllegalArgumentException("uniqueKey must be non-blank and at most 1000 characters");
    }
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    for (String tag : tags) {
      if (tag.isBlank() || tag.length() > 200) {
        throw new IllegalArgumentException("each tag must be non-blank and at most 200 characters, got '" + tag + "'");
      }
    }
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    if (tenant != null) {
      requireTenant(tenant);
    }
  }

  /** Options without a webhook, as before webhooks existed. */
  public JobOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts, Duration timeout,
      String uniqueKey, List<String> tags, Map<String, Object> metadata, String tenant) {
    this(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata, tenant, null);
  }

  /** Options without a tenant, as before tenants existed. */
  public JobOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts, Duration timeout,
      String uniqueKey, List<String> tags, Map<String, Object> metadata) {
    this(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata, null, null);
  }

  /**
   * Queue {@code default}, priority 0, run now, retry policy's attempts, worker's timeout, no key,
   * tags, metadata or webhook.
   */
  public static JobOptions defaults() {
    return new JobOptions(DEFAULT_QUEUE, 0, null, null, null, null, null, List.of(), Map.of(), null,
        null);
  }

  /** Checks a queue name: 1 to 128 letters, digits, {@code _ . : -}. */
  public static String requireQueueName(String queue) {
    if (queue == null || !QUEUE_NAME.matcher(queue).matches()) {
      throw new IllegalArgumentException(
          "queue must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-', got: " + queue);
    }
    return queue;
  }

  /**
   * Checks a tenant name: 1 to 100 letters, digits, {@code . _ : -}.
   *
   * @throws IllegalArgumentException naming {@code tenant} and what is allowed
   */
  public static String requireTenant(String tenant) {
    if (tenant == null || !TENANT_NAME.matcher(tenant).matches()) {
      throw new IllegalArgumentException(
          "tenant must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-', got: " + tenant);
    }
    return tenant;
  }

  public JobOptions withQueue(String queue) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withPriority(int priority) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withRunAt(Instant runAt) {
    return new JobOptions(queue, priority, runAt, null, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withDelay(Duration delay) {
    return new JobOptions(queue, priority, null, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withMaxAttempts(int maxAttempts) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withTimeout(Duration timeout) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withUniqueKey(String uniqueKey) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  public JobOptions withTags(String... tags) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, List.of(tags), metadata,
        tenant, webhook);
  }

  public JobOptions withMetadata(Map<String, Object> metadata) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        tenant, webhook);
  }

  /** The tenant the job belongs to; see {@link #requireTenant(String)} for valid names. */
  public JobOptions withTenant(String tenant) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata,
        requireTenant(tenant), webhook);
  }

  /**
   * Calls this URL once the job has finished: completed, dead or cancelled (a job an operator
   * retries calls it again when it finishes again). The call is a signed {@code POST} of a JSON
   * payload, retried with backoff when it fails, and recorded ({@code Gantry.webhooks()}); it is
   * made after the job's outcome is committed, and whatever becomes of it, the job's own state
   * stays as it finished. See {@link dev.gantry.webhook.WebhookSettings} for who signs and
   * delivers it, and {@link dev.gantry.webhook.WebhookSignature} for the signature.
   *
   * @param url an absolute http or https URL with a host; its host is checked against the
   *     instance's allow-list when the job is enqueued ({@link dev.gantry.webhook.HostAllowList})
   * @throws IllegalArgumentException naming {@code webhook_url} if the URL is not absolute, not
   *     http or https, has no host, carries user info or is too long
   */
  public JobOptions withWebhook(URI url) {
    return withWebhook(Webhook.to(url));
  }

  /** As {@link #withWebhook(URI)}, with the webhook's signing key (null: none). */
  public JobOptions withWebhook(Webhook webhook) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata, tenant,
        webhook);
  }
}
