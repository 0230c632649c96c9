package dev.gantry.limits;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Limits per queue, enforced across every node: at most N jobs running at once, at most N per
 * partition (a tenant, a kind, a value in the args), at most N starts per period for the queue or
 * per partition; see {@link QueueLimit}. Get one from {@code Gantry.limits()}.
 *
 * <pre>{@code
 * gantry.limits().set(QueueLimit.of("ai").withRate(Rate.perMinute(60)));
 * }</pre>
 *
 * <p><b>How exact.</b> The claims of a limited queue take a lock on its limit row and follow one
 * another across the cluster, each counting the running jobs (by the database: a job counts from
 * its claim until its outcome is written) and the starts within the rate periods that the previous
 * ones left, so no claim ever takes more than the limits allow. A change applies on each node
 * from its first claim after the change's notification, milliseconds after the commit; jobs already
 * running then count against the new limit but are not stopped. An attempt that ignores its
 * timeout's interrupt, or one whose lease was rescued while it ran on, no longer counts although
 * its handler may still run.
 *
 * <p><b>What it costs.</b> Queues without a limit claim as before, with their own statement; the
 * claims of a limited queue are serialised (a few milliseconds each, and their commits wait for the
 * WAL flush) and scale with the number of partitions that have jobs waiting. Setting a limit on a
 * queue, or changing what makes its partitions, reads the whole hot table once to give the
 * queue's jobs their partition.
 *
 * <p>Thread-safe.
 */
public final class Limits {
  private final Db db;
  private final Sql sql;

  /** For Gantry's own wiring; applications use {@code Gantry.limits()}. */
  public Limits(Db db, Sql sql) {
    this.db = db;
    this.sql = sql;
  }

  /**
   * Sets the queue's limits, replacing any it had (a field left null is no limit, not "keep"). The
   * queue's jobs, waiting and running, are put in their partitions in the same transaction when the
   * limit is new or its {@code partitionBy} changed; every node then claims under it.
   *
   * @return the limit as stored
   * @throws IllegalArgumentException if the limit limits nothing (use {@link #remove}), or sets
   *     {@code partitionConcurrency} or {@code partitionRate} without {@code partitionBy}
   * @throws dev.gantry.GantryException if the database refuses or cannot be reached; nothing changed
   */
  public QueueLimit set(QueueLimit limit) {
    Objects.requireNonNull(limit, "limit");
    if (!limit.limitsAnything()) {
      throw new IllegalArgumentException("limit: set at least one of concurrency, partitionConcurrency, rate and "
          + "partitionRate; to lift the limits of queue " + limit.queue() + " use remove");
    }
    if (limit.partitionBy() == null && (limit.partitionConcurrency() != null || limit.partitionRate() != null)) {
      throw new IllegalArgumentException("partitionBy: partitionConcurrency and partitionRate need partitionBy "
          + "('tenant', 'kind' or 'args.<key>') to say what makes a partition");
    }
    // Twice at most: a first attempt can lose a race to create the same queue's limit.
    for (int attempt = 1; ; attempt++) {
      boolean stored = db.inTransaction("setting the limits of queue " + limit.queue(), c -> store(c, limit));
      if (stored) {
        return limit;
      }
      if (attempt == 2) {
        throw new IllegalStateException("the limits of queue " + limit.queue() + " were set concurrently twice; "
            + "set them again");
      }
    }
  }

  /** False (rolled back) when another transaction created the queue's limit after this one looked. */
  private boolean store(Connection c, QueueLimit limit) throws SQLException {
    String queue = limit.queue();
    boolean existed;
    String oldPartitionBy;
    try (PreparedStatement ps = c.prepareStatement(sql.get("limit_current"))) {
      ps.setString(1, queue);
      try (ResultSet rs = ps.executeQuery()) {
        existed = rs.next();
        oldPartitionBy = existed ? rs.getString(1) : null;
      }
    }
    boolean replaced;
    try (PreparedStatement ps = c.prepareStatement(sql.get("limit_upsert"))) {
      ps.setString(1, queue);
      ps.setObject(2, limit.concurrency(), Types.INTEGER);
      ps.setString(3, limit.partitionBy());
      ps.setObject(4, limit.partitionConcurrency(), Types.INTEGER);
      ps.setObject(5, limit.rate() == null ? null : limit.rate().limit(), Types.INTEGER);
      ps.setObject(6, limit.rate() == null ? null : limit.rate().period().toMillis(), Types.BIGINT);
      ps.setObject(7, limit.partitionRate() == null ? null : limit.partitionRate().limit(), Types.INTEGER);
      ps.setObject(8, limit.partitionRate() == null ? null : limit.partitionRate().period().toMillis(), Types.BIGINT);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        replaced = rs.getBoolean(1);
      }
    }
    if (replaced && !existed) {
      c.rollback();
      return false;
    }
    if (!existed || !Objects.equals(oldPartitionBy, limit.partitionBy())) {
      try (PreparedStatement ps = c.prepareStatement(sql.get("limit_partition_jobs"))) {
        ps.setString(1, limit.partitionBy());
        ps.setString(2, queue);
        ps.setString(3, limit.partitionBy());
        ps.executeUpdate();
      }
    }
    announce(c, queue);
    return true;
  }

  /**
   * The queue's limits.
   *
   * @return empty if it has none
   * @throws IllegalArgumentException if the queue name is not valid
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public Optional<QueueLimit> get(String queue) {
    JobOptions.requireQueueName(queue);
    return db.run("reading the limits of queue " + queue, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("limit_get"))) {
        ps.setString(1, queue);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<QueueLimit>empty();
        }
      }
    });
  }

  /**
   * Every queue's limits, by queue name.
   *
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public List<QueueLimit> list() {
    return db.run("listing queue limits", c -> {
      List<QueueLimit> limits = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.get("limit_list")); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          limits.add(read(rs));
        }
      }
      return limits;
    });
  }

  /**
   * Lifts the queue's limits: from each node's next claim on, its jobs are claimed as any queue's.
   *
   * @return whether the queue had limits
   * @throws IllegalArgumentException if the queue name is not valid
   * @throws dev.gantry.GantryException if the database cannot be reached; nothing changed
   */
  public boolean remove(String queue) {
    JobOptions.requireQueueName(queue);
    return db.inTransaction("removing the limits of queue " + queue, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("limit_delete"))) {
        ps.setString(1, queue);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.get("limit_unpartition_jobs"))) {
        ps.setString(1, queue);
        ps.setString(2, queue);
        ps.executeUpdate();
      }
      announce(c, queue);
      return true;
    });
  }

  private void announce(Connection c, String queue) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("limit_changed"))) {
      ps.setString(1, queue);
      ps.setString(2, queue);
      ps.execute();
    }
  }

  private static QueueLimit read(ResultSet rs) throws SQLException {
    return new QueueLimit(rs.getString("queue"), integer(rs, "concurrency"), rs.getString("partition_by"),
        integer(rs, "partition_concurrency"), rate(rs, "rate_limit", "rate_period_ms"),
        rate(rs, "partition_rate_limit", "partition_rate_period_ms"));
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int n = rs.getInt(column);
    return rs.wasNull() ? null : n;
  }

  private static Rate rate(ResultSet rs, String limitColumn, String periodColumn) throws SQLException {
    int limit = rs.getInt(limitColumn);
    if (rs.wasNull()) {
      return null;
    }
    return new Rate(limit, Duration.ofMillis(rs.getLong(periodColumn)));
  }
}
