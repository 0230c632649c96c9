package dev.gantry.limits;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Claims jobs of a limited queue within its limits ({@code limited_claim.sql}): in one transaction,
 * the queue's limit row is locked, so that the claims of one limited queue follow one another on
 * every node, then the running jobs and recent starts are counted and jobs are taken fairly across
 * partitions. Library workers and remote leases both claim limited queues here; queues without a
 * limit keep their own claim statements.
 */
public final class LimitedClaim {
  /**
   * A claimed job, with every column either claimer needs.
   *
   * @param maxAttempts the job's own limit, or null
   * @param timeoutMillis the job's own attempt timeout, or null
   */
  public record Claimed(UUID id, String queue, String kind, String argsJson, String metadataJson, int priority,
      int attempt, Integer maxAttempts, Long timeoutMillis, UUID leaseToken, Instant leaseExpiresAt,
      boolean cancelRequested, String tenant, Instant createdAt, Instant scheduledAt, Instant attemptedAt) {}

  /**
   * What a claim took, and what held it back, for the claimer's next wait.
   *
   * @param concurrencyFull the queue's concurrency is used up: only a job that stops running frees a slot
   * @param rateWait the queue's rate is used up: nothing can start before this has passed; null if not
   * @param partitionWait a partition whose rate is used up can start again after this; null if none
   */
  public record Result(List<Claimed> jobs, boolean concurrencyFull, Duration rateWait, Duration partitionWait) {}

  private final Db db;
  private final Sql sql;

  public LimitedClaim(Db db, Sql sql) {
    this.db = db;
    this.sql = sql;
  }

  /**
   * Claims up to {@code want} jobs of the queue, fewer when its limits allow fewer.
   *
   * @param kinds only jobs of these kinds; empty for any
   * @param tenant only this tenant's jobs; null for any
   * @return the claim, or null when the queue has no limit (any more): claim it the unlimited way
   * @throws dev.gantry.GantryException if the database cannot be reached; nothing was claimed
   */
  public Result claim(String queue, int want, List<String> kinds, String tenant, Duration lease, String workerId) {
    return db.inTransaction("claiming jobs of limited queue " + queue, c -> {
      if (!lock(c, queue)) {
        return null;
      }
      String[] kindArray = kinds.toArray(String[]::new);
      try (PreparedStatement ps = c.prepareStatement(sql.get("limited_claim"))) {
        int p = 1;
        ps.setString(p++, queue); // lim
        ps.setString(p++, queue); // running
        ps.setString(p++, queue); // started
        ps.setInt(p++, want);
        for (int scan = 0; scan < 5; scan++) {
          ps.setString(p++, queue); // the partition scans and the candidates
        }
        ps.setArray(p++, c.createArrayOf("text", kindArray));
        ps.setArray(p++, c.createArrayOf("text", kindArray));
        ps.setString(p++, tenant);
        ps.setString(p++, tenant);
        ps.setLong(p++, lease.toMillis());
        ps.setString(p++, workerId);
        ps.setString(p++, queue); // turned
        ps.setString(p++, queue); // strays
        ps.setString(p, queue);
        List<Claimed> jobs = new ArrayList<>();
        boolean concurrencyFull = false;
        Duration rateWait = null;
        Duration partitionWait = null;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            concurrencyFull = rs.getBoolean("concurrency_full");
            rateWait = millis(rs, "rate_wait_ms");
            partitionWait = millis(rs, "partition_wait_ms");
            UUID id = rs.getObject("id", UUID.class);
            if (id != null) {
              jobs.add(read(rs, id));
            }
          }
        }
        return new Result(jobs, concurrencyFull, rateWait, partitionWait);
      }
    });
  }

  private boolean lock(Connection c, String queue) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("limit_lock"))) {
      ps.setString(1, queue);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Claimed read(ResultSet rs, UUID id) throws SQLException {
    int max = rs.getInt("max_attempts");
    Integer maxAttempts = rs.wasNull() ? null : max;
    long timeout = rs.getLong("timeout_ms");
    Long timeoutMillis = rs.wasNull() ? null : timeout;
    return new Claimed(id, rs.getString("queue"), rs.getString("kind"), rs.getString("args"),
        rs.getString("metadata"), rs.getInt("priority"), rs.getInt("attempt"), maxAttempts, timeoutMillis,
        rs.getObject("lease_token", UUID.class), rs.getTimestamp("lease_expires_at").toInstant(),
        rs.getBoolean("cancel_requested"), rs.getString("tenant"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("scheduled_at").toInstant(), rs.getTimestamp("attempted_at").toInstant());
  }

  private static Duration millis(ResultSet rs, String column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofMillis(Math.max(ms, 1));
  }
}
