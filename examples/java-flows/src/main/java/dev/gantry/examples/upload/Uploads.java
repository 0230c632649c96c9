package dev.gantry.examples.upload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The application's own {@code uploads} table, next to Gantry's schema in the same database: the
 * upload is recorded in the transaction that enqueues its batch, and marked finished by the
 * batch's completion callback.
 */
public final class Uploads {
  private static final String CREATE = """
      CREATE TABLE IF NOT EXISTS uploads (
        id          text PRIMARY KEY,
        batch_id    uuid NOT NULL UNIQUE,
        status      text NOT NULL CHECK (status IN ('processing', 'done', 'done_with_errors')),
        files       integer NOT NULL,
        stored      integer,
        failed      integer,
        created_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )""";
  private static final String INSERT =
      "INSERT INTO uploads (id, batch_id, status, files) VALUES (?, ?, 'processing', ?)";
  // A callback may run twice (delivery is at least once): the second run writes the same counts
  // and keeps the first finish time.
  private static final String FINISH = """
      UPDATE uploads SET status = ?, stored = ?, failed = ?, finished_at = coalesce(finished_at, now())
      WHERE id = ? AND batch_id = ?""";
  private static final String FIND =
      "SELECT id, batch_id, status, files, stored, failed, created_at, finished_at FROM uploads WHERE id = ?";

  private final DataSource dataSource;

  public Uploads(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates the table unless it exists. */
  public void createTable() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(CREATE);
    }
  }

  /** Records a new upload as processing, on the caller's connection and in its transaction. */
  public void insert(Connection transaction, String id, UUID batchId, int files) throws SQLException {
    try (PreparedStatement ps = transaction.prepareStatement(INSERT)) {
      ps.setString(1, id);
      ps.setObject(2, batchId);
      ps.setInt(3, files);
      ps.executeUpdate();
    }
  }

  /**
   * Marks the upload finished with its final counts.
   *
   * @throws IllegalStateException if there is no upload with this id and batch
   */
  public Upload finish(String id, UUID batchId, UploadStatus status, int stored, int failed) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FINISH)) {
      ps.setString(1, status.dbName());
      ps.setInt(2, stored);
      ps.setInt(3, failed);
      ps.setString(4, id);
      ps.setObject(5, batchId);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no upload " + id + " with batch " + batchId);
      }
    }
    return find(id).orElseThrow(() -> new IllegalStateException("upload " + id + " vanished"));
  }

  public Optional<Upload> find(String id) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Upload(rs.getString("id"), rs.getObject("batch_id", UUID.class),
            UploadStatus.fromDb(rs.getString("status")), rs.getInt("files"), (Integer) rs.getObject("stored"),
            (Integer) rs.getObject("failed"), instant(rs.getTimestamp("created_at")),
            instant(rs.getTimestamp("finished_at"))));
      }
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
