package dev.gantry.maintenance;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * Deletes finished jobs older than their retention, in small batches (one short transaction
 * each) from {@code finished_jobs} only: claiming and completing never wait on it.
 */
public final class Pruner {
  private final Db db;
  private final Sql sql;
  private final Retention retention;
  private final int batchSize;
  private final int maxBatchesPerRun;

  public Pruner(Db db, Sql sql, Retention retention, int batchSize, int maxBatchesPerRun) {
    this.db = db;
    this.sql = sql;
    this.retention = retention;
    this.batchSize = batchSize;
    this.maxBatchesPerRun = maxBatchesPerRun;
  }

  /** Deletes what is due, at most {@code maxBatchesPerRun} batches per state; returns how many rows. */
  public int run() {
    return prune("completed", retention.completed()) + prune("dead", retention.dead()) + prune("cancelled", retention.cancelled());
  }

  private int prune(String state, Duration keep) {
    if (keep == null) {
      return 0;
    }
    return BatchedDelete.repeat(db, state + " jobs", batchSize, maxBatchesPerRun, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("prune"))) {
        ps.setString(1, state);
        ps.setLong(2, keep.toMillis());
        ps.setInt(3, batchSize);
        return ps.executeUpdate();
      }
    });
  }
}
