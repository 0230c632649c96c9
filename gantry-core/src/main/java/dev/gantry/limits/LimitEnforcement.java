package dev.gantry.limits;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.notify.Notifier;

/**
 * What the claimers of one Gantry instance (its workers' fetchers and its remote leases) need to
 * keep limited queues within their limits: which queues are limited, their claim, and the
 * notification that a slot was freed.
 */
public record LimitEnforcement(LimitedQueues queues, LimitedClaim claim, FreedSlots freedSlots) {
  /** @param ensureListening starts the notification listener that tells of limit changes */
  public static LimitEnforcement create(Db db, Sql sql, Notifier notifier, Runnable ensureListening) {
    return new LimitEnforcement(new LimitedQueues(db, sql, notifier, ensureListening), new LimitedClaim(db, sql),
        new FreedSlots(db, sql));
  }
}
