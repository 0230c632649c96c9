package dev.gantry.enqueue;

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
    Map<String, Object> metadata) {

  public static final String DEFAULT_QUEUE = "default";
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

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
  }

  /** Queue {@code default}, priority 0, run now, retry policy's attempts, worker's timeout, no key, tags or metadata. */
  public static JobOptions defaults() {
    return new JobOptions(DEFAULT_QUEUE, 0, null, null, null, null, null, List.of(), Map.of());
  }

  /** Checks a queue name: 1 to 128 letters, digits, {@code _ . : -}. */
  public static String requireQueueName(String queue) {
    if (queue == null || !QUEUE_NAME.matcher(queue).matches()) {
      throw new IllegalArgumentException(
          "queue must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-', got: " + queue);
    }
    return queue;
  }

  public JobOptions withQueue(String queue) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withPriority(int priority) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withRunAt(Instant runAt) {
    return new JobOptions(queue, priority, runAt, null, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withDelay(Duration delay) {
    return new JobOptions(queue, priority, null, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withMaxAttempts(int maxAttempts) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withTimeout(Duration timeout) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withUniqueKey(String uniqueKey) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }

  public JobOptions withTags(String... tags) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, List.of(tags), metadata);
  }

  public JobOptions withMetadata(Map<String, Object> metadata) {
    return new JobOptions(queue, priority, runAt, delay, maxAttempts, timeout, uniqueKey, tags, metadata);
  }
}
