package dev.gantry.schedule;

import java.time.Instant;

/**
 * What ticking one due schedule does, decided by {@link TickPlanner}.
 *
 * @param tick the tick to enqueue a job for; null when none is (missed ticks skipped)
 * @param catchUp the job stands in for missed ticks ({@link MissedTicks#RUN_ONCE})
 * @param next the schedule's next tick after this; null if the expression never fires again
 * @param firstMissed the first tick missed, null when none was; {@code lastMissed} the last
 */
record TickPlan(Instant tick, boolean catchUp, Instant next, Instant firstMissed, Instant lastMissed) {
  boolean missedAny() {
    return firstMissed != null;
  }
}
