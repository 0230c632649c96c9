package dev.gantry.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A side-effect table ({@code <schema>.effects}) that handlers write to, so that a test can count
 * what really ran, also in other JVMs. Each row's time is the database's {@code now()}, never a
 * JVM clock, so rows written by workers with a skewed clock are comparable with job timestamps.
 */
public final class SideEffects {
  /** One recorded handler action. */
  public record Effect(long seq, UUID jobId, int attempt, String worker, String what, Instant at) {}

  private final DataSource dataSource;
  private final String schema;

  public SideEffects(DataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /** Creates the table in the (already migrated) schema. */
  public SideEffects create() {
    run("CREATE TABLE IF NOT EXISTS " + schema + ".effects ("
        + "seq bigserial PRIMARY KEY, job_id uuid NOT NULL, attempt int NOT NULL, worker text NOT NULL, "
        + "what text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
    return this;
  }

  /** Records an action, stamped with the database's now(). */
  public void record(UUID jobId, int attempt, String worker, String what) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO " + schema + ".effects (job_id, attempt, worker, what) VALUES (?, ?, ?, ?)")) {
      ps.setObject(1, jobId);
      ps.setInt(2, attempt);
      ps.setString(3, worker);
      ps.setString(4, what);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("recording effect " + what + " of job " + jobId + ": " + e.getMessage(), e);
    }
  }

  public List<Effect> all() {
    return query("TRUE", null);
  }

  public List<Effect> of(UUID jobId) {
    return query("job_id = ?", jobId);
  }

  public long count(String what) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema + ".effects WHERE what = ?")) {
      ps.setString(1, what);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private List<Effect> query(String where, UUID jobId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT seq, job_id, attempt, worker, what, at FROM " + schema + ".effects WHERE " + where + " ORDER BY seq")) {
      if (jobId != null) {
        ps.setObject(1, jobId);
      }
      List<Effect> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Effect(rs.getLong(1), rs.getObject(2, UUID.class), rs.getInt(3), rs.getString(4), rs.getString(5),
              rs.getTimestamp(6).toInstant()));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private void run(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
