package dev.gantry.server.http.jobs;

import dev.gantry.internal.Db;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.database.ServerStatements;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.Responses;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs the write of one request (enqueueing jobs, making a batch or a workflow) in one
 * transaction with, when the request has an {@link IdempotencyKey}, the key and the response:
 * either all of it commits or none. A retry with the same key and request gets the stored
 * response; one sent while the first is still running waits for it (on the key's row) and then
 * gets the stored response too, so concurrent duplicates write once. The same key with another
 * request (another body, or another route) is refused.
 */
public final class IdempotentTransaction {
  /** A response: status and JSON body, and whether it is a replay of a stored one. */
  public record Reply(int status, byte[] body, boolean replayed) {
    /** Sends it as the response, with {@code Idempotent-Replayed: true} when it is a replay. */
    public void send(Context ctx) {
      if (replayed) {
        ctx.header("Idempotent-Replayed", "true");
      }
      ctx.status(status).contentType(Responses.JSON).result(body);
    }
  }

  /**
   * What a write did, and its response.
   *
   * @param made what the write returned, for the caller's bookkeeping once committed (metrics);
   *     null for a replay, which wrote nothing
   */
  public record Written<T>(T made, Reply reply) {}

  /** The write itself, on the transaction's connection; it builds its response there too. */
  @FunctionalInterface
  public interface Write<T> {
    Written<T> run(Connection transaction) throws SQLException;
  }

  private final Db db;
  private final ServerStatements statements;

  public IdempotentTransaction(DataSource dataSource, ServerStatements statements) {
    this.db = new Db(dataSource);
    this.statements = statements;
  }

  /**
   * Runs {@code write} and stores its response under {@code key}, in one transaction; with a key
   * already used by the same caller for the same request, runs nothing and replays the stored
   * response.
   *
   * @param what names the write in the message of a database failure
   * @param key the request's idempotency key, or null: then the write just runs in its transaction
   * @throws dev.gantry.server.http.ProblemException 422 if the key was used with another request,
   *     409 if the request that used it is still being processed; nothing was written
   * @throws dev.gantry.GantryException if the database fails; nothing was written or stored
   * @throws RuntimeException whatever {@code write} throws; nothing was written or stored
   */
  public <T> Written<T> run(String what, ApiKey caller, IdempotencyKey key, Write<T> write) {
    return db.inTransaction(what, c -> {
      if (key != null && !claim(c, caller.id(), key)) {
        return new Written<T>(null, replay(c, caller.id(), key));
      }
      Written<T> fresh = write.run(c);
      if (key != null) {
        store(c, caller.id(), key, fresh.reply());
      }
      return fresh;
    });
  }

  private boolean claim(Connection c, UUID apiKeyId, IdempotencyKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statements.get("idempotency_claim"))) {
      ps.setObject(1, apiKeyId);
      ps.setString(2, key.key());
      ps.setBytes(3, key.requestHash());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private Reply replay(Connection c, UUID apiKeyId, IdempotencyKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statements.get("idempotency_get"))) {
      ps.setObject(1, apiKeyId);
      ps.setString(2, key.key());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("idempotency key row vanished while it was being read; retry");
        }
        if (!MessageDigest.isEqual(rs.getBytes("request_hash"), key.requestHash())) {
          throw Problems.idempotencyKeyReused(key.key());
        }
        int status = rs.getInt("response_status");
        if (rs.wasNull()) {
          throw Problems.conflict("a request with Idempotency-Key '" + key.key() + "' is still being processed; retry shortly");
        }
        return new Reply(status, rs.getString("response_body").getBytes(StandardCharsets.UTF_8), true);
      }
    }
  }

  private void store(Connection c, UUID apiKeyId, IdempotencyKey key, Reply reply) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statements.get("idempotency_store"))) {
      ps.setInt(1, reply.status());
      ps.setString(2, new String(reply.body(), StandardCharsets.UTF_8));
      ps.setObject(3, apiKeyId);
      ps.setString(4, key.key());
      ps.executeUpdate();
    }
  }
}
