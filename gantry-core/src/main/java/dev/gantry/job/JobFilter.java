package dev.gantry.job;

import java.util.UUID;

/**
 * Which jobs to list, newest first. Null fields do not filter. Pass the previous page's
 * {@link JobPage#nextCursor()} as {@code after} to read the next page (keyset pagination:
 * stable while jobs are added, and as fast on page 1,000 as on page 1).
 *
 * @param limit 1 to 1,000 jobs per page
 */
public record JobFilter(String queue, String kind, JobState state, String tag, UUID after, int limit) {
  public JobFilter {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
    }
  }

  public static JobFilter all() {
    return new JobFilter(null, null, null, null, null, 100);
  }

  public JobFilter withQueue(String queue) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }

  public JobFilter withKind(String kind) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }

  public JobFilter withState(JobState state) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }

  public JobFilter withTag(String tag) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }

  public JobFilter withAfter(UUID after) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }

  public JobFilter withLimit(int limit) {
    return new JobFilter(queue, kind, state, tag, after, limit);
  }
}
