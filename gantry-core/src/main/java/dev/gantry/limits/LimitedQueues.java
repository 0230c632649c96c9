package dev.gantry.limits;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.notify.Notifier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which queues have a limit, as this node knows it: read once, and again after every change
 * ({@code limits:} on the control channel, sent by {@link Limits} at commit) and every reconnection
 * of the listener (changes may have been missed). Claimers ask it before each claim, so it answers
 * from memory; a queue's limit applies on a node from the first claim after the notification
 * arrives, milliseconds after the change commits.
 */
public final class LimitedQueues {
  private final Db db;
  private final Sql sql;
  private final Notifier notifier;
  private final Runnable ensureListening;
  private volatile boolean started;
  /** Bumped by every change heard of; the set is current while it equals {@link #loadedAt}. */
  private final AtomicLong changes = new AtomicLong(1);
  /** The value of {@link #changes} when the set now held was read; set only once it has been read. */
  private volatile long loadedAt;
  private volatile Set<String> queues = Set.of();

  /** @param ensureListening starts the notification listener that tells of changes */
  public LimitedQueues(Db db, Sql sql, Notifier notifier, Runnable ensureListening) {
    this.db = db;
    this.sql = sql;
    this.notifier = notifier;
    this.ensureListening = ensureListening;
  }

  /**
   * Whether the queue has a limit, reading the limited queues first if they changed since.
   *
   * @throws dev.gantry.GantryException if they must be read and the database cannot be reached
   */
  public boolean isLimited(String queue) {
    if (!started) {
      start();
    }
    if (loadedAt != changes.get()) {
      reload();
    }
    return queues.contains(queue);
  }

  /** As {@link #isLimited}, from what is known now, without reading (for paths that must not fail). */
  public boolean isKnownLimited(String queue) {
    return queues.contains(queue);
  }

  /**
   * Subscribes to changes and starts the listener; idempotent. Claimers that subscribe to the same
   * notifications call this first: subscribers are told in order, so this one has marked the
   * queues stale before a claimer it woke asks again.
   */
  public synchronized void start() {
    if (started) {
      return;
    }
    // Subscribed before the first read, so that no change after it goes unseen.
    notifier.onControl(message -> {
      if (message.startsWith("limits:")) {
        changes.incrementAndGet();
      }
    });
    notifier.onReconnect(changes::incrementAndGet);
    ensureListening.run();
    started = true;
  }

  /**
   * Reads the set again. Callers that find it out of date wait here for the read under way rather
   * than answer from the old set: a claimer that did would claim a newly limited queue freely.
   */
  private synchronized void reload() {
    // Taken before reading: a change heard of while this reads makes the next call read again.
    long seen = changes.get();
    if (loadedAt == seen) {
      return;
    }
    queues = db.run("reading the limited queues", c -> {
      Set<String> names = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(sql.get("limited_queues")); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return Set.copyOf(names);
    });
    loadedAt = seen;
  }
}
