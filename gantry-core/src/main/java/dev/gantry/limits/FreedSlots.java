package dev.gantry.limits;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.PreparedStatement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node that jobs of limited queues stopped running, once their outcomes are written: a
 * worker whose claims found the queue's concurrency used up waits for this (or its fallback poll)
 * rather than claim again at every new job. Sent off the caller's thread, and coalesced: a burst
 * of outcomes makes one statement with each queue once.
 */
public final class FreedSlots {
  private static final Logger log = LoggerFactory.getLogger(FreedSlots.class);

  private final Db db;
  private final Sql sql;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sending = new AtomicBoolean();

  public FreedSlots(Db db, Sql sql) {
    this.db = db;
    this.sql = sql;
  }

  /** A job of this limited queue stopped running and its outcome is committed. */
  public void freed(String queue) {
    pending.add(queue);
    if (sending.compareAndSet(false, true)) {
      Thread.ofVirtual().name("gantry-limit-freed").start(this::send);
    }
  }

  private void send() {
    // Cleared before taking the queues: one freed meanwhile starts another send or rides this one.
    sending.set(false);
    String[] queues = pending.toArray(String[]::new);
    for (String q : queues) {
      pending.remove(q);
    }
    if (queues.length == 0) {
      return;
    }
    try {
      db.run("telling workers that limited queues have free slots", c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.get("limit_freed"))) {
          ps.setArray(1, c.createArrayOf("text", queues));
          return ps.execute();
        }
      });
    } catch (GantryException e) {
      log.warn("{}; workers of {} waiting for a free slot claim at their next poll instead", e.getMessage(),
          String.join(", ", queues));
    }
  }
}
