package dev.gantry.job;

import dev.gantry.enqueue.JobOptions;
import java.time.Instant;
import java.util.UUID;

/**
 * Which jobs to list, newest first. Null fields do not filter. Pass the previous page's
 * {@link JobPage#nextCursor()} as {@code after} to read the next page (keyset pagination:
 * stable while jobs are added, and as fast on page 1,000 as on page 1).
 *
 * @param tenant only this tenant's jobs
 * @param createdAfter only jobs created at or after this instant (database time)
 * @param createdBefore only jobs created before this instant (database time)
 * @param limit 1 to 1,000 jobs per page
 */
public record JobFilter(String queue, String kind, JobState state, String tag, String tenant, Instant createdAfter,
    Instant createdBefore, UUID after, int limit) {
  public JobFilter {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
    }
    if (tenant != null) {
      JobOptions.requireTenant(tenant);
    }
    if (createdAfter != null && createdBefore != null && !createdAfter.isBefore(createdBefore)) {
      throw new IllegalArgumentException(
          "createdAfter (" + createdAfter + ") must be before createdBefore (" + createdBefore + "), or no job can match");
    }
  }

  public static JobFilter all() {
    return new JobFilter(null, null, null, null, null, null, null, null, 100);
  }

  public JobFilter withQueue(String queue) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  public JobFilter withKind(String kind) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  public JobFilter withState(JobState state) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  public JobFilter withTag(String tag) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  /** Only this tenant's jobs ({@code null}: any tenant's, and jobs without one). */
  public JobFilter withTenant(String tenant) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  /** Only jobs created at or after this instant. */
  public JobFilter withCreatedAfter(Instant createdAfter) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  /** Only jobs created before this instant. */
  public JobFilter withCreatedBefore(Instant createdBefore) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  public JobFilter withAfter(UUID after) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }

  public JobFilter withLimit(int limit) {
    return new JobFilter(queue, kind, state, tag, tenant, createdAfter, createdBefore, after, limit);
  }
}
