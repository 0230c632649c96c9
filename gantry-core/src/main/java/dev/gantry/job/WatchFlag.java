package dev.gantry.job;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * Marks jobs watched ({@code watch.sql}): from then on the statements that change or finish them
 * NOTIFY with their id. Unwatched jobs never notify, so waiting and watching cost nothing when
 * nobody waits or watches.
 */
public final class WatchFlag {
  private final Db db;
  private final Sql sql;

  public WatchFlag(Db db, Sql sql) {
    this.db = db;
    this.sql = sql;
  }

  /**
   * Marks the job watched if it is unfinished (a finished job no longer changes) and, when
   * {@code tenant} is not null, belongs to that tenant; does nothing otherwise.
   */
  public void mark(UUID id, String tenant) {
    db.run("watching job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("watch"))) {
        ps.setObject(1, id);
        ps.setString(2, tenant);
        ps.setString(3, tenant);
        return ps.execute();
      }
    });
  }
}
