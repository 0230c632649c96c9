package dev.gantry.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Decides what a due schedule's tick does, given the database's now: a tick at most {@code grace}
 * old runs as usual; older ticks are missed, and the schedule jumps to its first tick within the
 * grace (which may be due too: the ticker runs it next, as usual). Missed ticks get no job with
 * {@link MissedTicks#SKIP}, and one job, for the latest of them, with {@link MissedTicks#RUN_ONCE}.
 */
final class TickPlanner {
  private TickPlanner() {}

  static TickPlan plan(CronExpression cron, ZoneId zone, Instant due, Instant now, Duration grace, MissedTicks missed) {
    Instant horizon = now.minus(grace);
    if (!due.isBefore(horizon)) {
      return new TickPlan(due, false, cron.next(due, zone).orElse(null), null, null);
    }
    Instant lastMissed = latestUpTo(cron, zone, due, horizon);
    Instant next = cron.next(horizon, zone).orElse(null);
    boolean runOnce = missed == MissedTicks.RUN_ONCE;
    return new TickPlan(runOnce ? lastMissed : null, runOnce, next, due, lastMissed);
  }

  /**
   * The latest tick at or before {@code upTo}, where {@code from} (not after {@code upTo}) is a
   * tick. A binary search over {@code next}, which only grows with its argument: some 40 calls
   * for any span, however many ticks a long downtime missed (an every-second schedule down for a
   * day missed 86,400).
   */
  static Instant latestUpTo(CronExpression cron, ZoneId zone, Instant from, Instant upTo) {
    if (!firesBy(cron.next(from, zone), upTo)) {
      return from;
    }
    long lo = from.toEpochMilli(); // next(lo) is at or before upTo
    long hi = upTo.toEpochMilli() + 1; // next(hi) is after upTo
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (firesBy(cron.next(Instant.ofEpochMilli(mid), zone), upTo)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return cron.next(Instant.ofEpochMilli(lo), zone).orElseThrow();
  }

  private static boolean firesBy(Optional<Instant> tick, Instant upTo) {
    return tick.isPresent() && !tick.get().isAfter(upTo);
  }
}
