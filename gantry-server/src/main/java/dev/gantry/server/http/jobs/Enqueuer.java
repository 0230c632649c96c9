package dev.gantry.server.http.jobs;

import dev.gantry.Gantry;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.internal.Db;
import dev.gantry.job.Job;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.database.ServerStatements;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Enqueues the jobs of one request in one transaction with, when the request has an
 * {@link IdempotencyKey}, the key and the response: either all of it commits or none. A retry
 * with the same key and request gets the stored response; one sent while the first is still
 * running waits for it (on the key's row) and then gets the stored response too, so concurrent
 * duplicates create the jobs once.
 */
final class Enqueuer {
  /** The outcome of an enqueue, for building the response. */
  record Enqueued(List<EnqueueResult> results, List<Job> jobs) {}

  /** A response: status and JSON body, and whether it is a replay of a stored one. */
  record Reply(int status, byte[] body, boolean replayed) {}

  private final Gantry gantry;
  private final Db db;
  private final ServerStatements statements;
  private final ServerMetrics metrics;

  Enqueuer(Gantry gantry, DataSource dataSource, ServerStatements statements, ServerMetrics metrics) {
    this.gantry = gantry;
    this.db = new Db(dataSource);
    this.statements = statements;
    this.metrics = metrics;
  }

  /**
   * Enqueues the requests (one statement) and builds the response with {@code respond}.
   *
   * @param key the request's idempotency key, or null
   * @throws dev.gantry.server.http.ProblemException 422 if the key was used with another request
   * @throws dev.gantry.GantryException if the database fails; nothing was enqueued or stored
   */
  Reply enqueue(ApiKey caller, IdempotencyKey key, List<JobRequest> requests, Function<Enqueued, Reply> respond) {
    String what = "enqueueing " + requests.size() + " job" + (requests.size() == 1 ? "" : "s") + " over HTTP";
    Done done = db.inTransaction(what, c -> {
      if (key != null && !claim(c, caller.id(), key)) {
        return new Done(replay(c, caller.id(), key), List.of());
      }
      List<EnqueueResult> results = gantry.enqueueAll(c, requests);
      List<Job> jobs = gantry.jobs(c, results.stream().map(EnqueueResult::id).toList());
      if (jobs.size() != results.size()) {
        throw new SQLException("enqueued jobs cannot be read back in the same transaction");
      }
      Reply fresh = respond.apply(new Enqueued(results, jobs));
      if (key != null) {
        store(c, caller.id(), key, fresh);
      }
      return new Done(fresh, results);
    });
    // Counted once committed; duplicates of an existing unique key are not new jobs.
    for (int i = 0; i < done.results().size(); i++) {
      if (!done.results().get(i).duplicate()) {
        metrics.countEnqueued(requests.get(i).options().queue(), requests.get(i).kind());
      }
    }
    return done.reply();
  }

  /** What the transaction did: the reply, and the enqueue results (none for a replay). */
  private record Done(Reply reply, List<EnqueueResult> results) {}

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
