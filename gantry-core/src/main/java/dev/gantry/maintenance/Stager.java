package dev.gantry.maintenance;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Moves delayed, snoozed and retrying jobs whose time has come (by the database clock) to
 * {@code available}, and wakes their queues' workers. Keeping future jobs out of the available
 * state is what lets the claim index hold runnable jobs only.
 */
public final class Stager {
  private final Db db;
  private final Sql sql;
  private final int batchSize;

  public Stager(Db db, Sql sql, int batchSize) {
    this.db = db;
    this.sql = sql;
    this.batchSize = batchSize;
  }

  /** Stages due jobs, one batch per statement, until none are due; returns how many. */
  public int run() {
    int total = 0;
    int staged;
    do {
      staged = db.run("staging due jobs", c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.get("stage"))) {
          ps.setInt(1, batchSize);
          int n = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              n += rs.getInt(2);
            }
          }
          return n;
        }
      });
      total += staged;
    } while (staged >= batchSize);
    return total;
  }
}
