package dev.gantry.remote;

import dev.gantry.enqueue.JobOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a remote worker asks {@link JobLeases#claim} for. Every field is checked at construction,
 * with a message naming it.
 *
 * @param queues the queues to claim from, 1 to 20 names
 * @param kinds only jobs of these kinds; empty for any kind (at most 100)
 * @param limit most jobs to claim, 1 to 100
 * @param lease how long each claimed job is held without a heartbeat, 1 second to 1 hour
 * @param workerId the worker's name, recorded on each job (1 to 200 characters)
 * @param tenant only this tenant's jobs; null for any job
 * @param maxWait how long to wait for a job when none is available now, 0 to 60 seconds (named so
 *     because a record component cannot be called {@code wait})
 */
public record ClaimRequest(List<String> queues, List<String> kinds, int limit, Duration lease, String workerId,
    String tenant, Duration maxWait) {
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);
  public static final Duration MAX_LEASE = Duration.ofHours(1);
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  public ClaimRequest {
    Objects.requireNonNull(queues, "queues must be given (1 to 20 queue names)");
    if (queues.isEmpty() || queues.size() > 20) {
      throw new IllegalArgumentException("queues must name 1 to 20 queues, got " + queues.size());
    }
    queues.forEach(JobOptions::requireQueueName);
    queues = List.copyOf(queues.stream().distinct().toList());
    kinds = kinds == null ? List.of() : List.copyOf(kinds);
    if (kinds.size() > 100) {
      throw new IllegalArgumentException("kinds must name at most 100 kinds (empty for any), got " + kinds.size());
    }
    for (String kind : kinds) {
      if (kind.isBlank() || kind.length() > 200) {
        throw new IllegalArgumentException("each of kinds must be 1 to 200 characters, got '" + kind + "'");
      }
    }
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be between 1 and 100, got " + limit);
    }
    requireLease(lease, "lease");
    if (workerId == null || workerId.isBlank() || workerId.length() > 200) {
      throw new IllegalArgumentException("workerId must be 1 to 200 characters and not blank, got: " + workerId);
    }
    if (tenant != null) {
      JobOptions.requireTenant(tenant);
    }
    if (maxWait == null) {
      maxWait = Duration.ZERO;
    }
    if (maxWait.isNegative() || maxWait.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException("maxWait must be between 0 and 60 seconds, got " + maxWait);
    }
  }

  /** Checks a lease duration: 1 second to 1 hour. */
  static Duration requireLease(Duration lease, String name) {
    if (lease == null || lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException(name + " must be between 1 second and 1 hour, got " + lease);
    }
    return lease;
  }
}
