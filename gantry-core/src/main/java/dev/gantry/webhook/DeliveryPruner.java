package dev.gantry.webhook;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.maintenance.BatchedDelete;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * Deletes delivered and dead webhook deliveries older than their retention, in small batches (one
 * short statement each). Pending ones are kept however old: they are still to be delivered.
 */
public final class DeliveryPruner {
  private final Db db;
  private final Sql sql;
  private final Duration retention;
  private final int batchSize;
  private final int maxBatchesPerRun;

  public DeliveryPruner(Db db, Sql sql, Duration retention, int batchSize, int maxBatchesPerRun) {
    this.db = db;
    this.sql = sql;
    this.retention = retention;
    this.batchSize = batchSize;
    this.maxBatchesPerRun = maxBatchesPerRun;
  }

  /** Deletes what is due, at most {@code maxBatchesPerRun} batches; returns how many rows. */
  public int run() {
    return BatchedDelete.repeat(db, "webhook deliveries", batchSize, maxBatchesPerRun, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("webhook_prune"))) {
        ps.setLong(1, retention.toMillis());
        ps.setInt(2, batchSize);
        return ps.executeUpdate();
      }
    });
  }
}
