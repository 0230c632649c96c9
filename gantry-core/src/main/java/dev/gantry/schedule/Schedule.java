package dev.gantry.schedule;

import java.time.Instant;
import java.util.UUID;

/**
 * A schedule as stored: its definition and where its ticks stand, by the database clock.
 *
 * @param pausedAt when it was paused; null while it runs
 * @param nextRunAt the tick that enqueues its next job; null while paused, and for an expression
 *     that never fires again
 * @param lastRunAt the tick its last job was enqueued for (that job's {@code scheduled_for}); null
 *     before the first
 * @param lastJobId that job's id
 */
public record Schedule(
    ScheduleDefinition definition,
    Instant pausedAt,
    Instant nextRunAt,
    Instant lastRunAt,
    UUID lastJobId,
    Instant createdAt,
    Instant updatedAt) {

  public String name() {
    return definition.name();
  }

  /** Null for a schedule without a tenant. */
  public String tenant() {
    return definition.tenant();
  }

  public boolean paused() {
    return pausedAt != null;
  }
}
