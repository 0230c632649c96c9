package dev.gantry.server.http.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.internal.Json;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.server.database.ServerStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads jobs on a connection the caller owns, inside its transaction: what an enqueue needs to
 * answer with the jobs it has not committed yet. {@code Gantry.job} reads on a connection of
 * its own and would not see them.
 *
 * <p>Maps the {@code all_jobs} view's columns as gantry-core's {@code JobReader} does; when the
 * {@link Job} record changes, its constructor no longer compiles here, so the two cannot drift apart silently.
 */
final class JobRows {
  private final ServerStatements statements;
  private final ObjectMapper mapper;

  JobRows(ServerStatements statements, ObjectMapper mapper) {
    this.statements = statements;
    this.mapper = mapper;
  }

  /** The jobs with these ids, in the order of the ids (an id may repeat); fails if one is missing. */
  List<Job> read(Connection c, List<UUID> ids) throws SQLException {
    Map<UUID, Job> byId = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(statements.get("jobs_by_ids"))) {
      ps.setArray(1, c.createArrayOf("uuid", ids.stream().distinct().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Job job = map(rs);
          byId.put(job.id(), job);
        }
      }
    }
    List<Job> jobs = new ArrayList<>(ids.size());
    for (UUID id : ids) {
      Job job = byId.get(id);
      if (job == null) {
        throw new SQLException("job " + id + " was enqueued but cannot be read back in the same transaction");
      }
      jobs.add(job);
    }
    return jobs;
  }

  private Job map(ResultSet rs) throws SQLException {
    long timeoutMs = rs.getLong("timeout_ms");
    Duration timeout = rs.wasNull() ? null : Duration.ofMillis(timeoutMs);
    int maxAttempts = rs.getInt("max_attempts");
    Integer max = rs.wasNull() ? null : maxAttempts;
    int percent = rs.getInt("progress_percent");
    Integer progress = rs.wasNull() ? null : percent;
    String[] tags = (String[]) rs.getArray("tags").getArray();
    return new Job(
        rs.getObject("id", UUID.class),
        rs.getString("queue"),
        rs.getString("kind"),
        Json.read(mapper, rs.getString("args")),
        JobState.fromDb(rs.getString("state")),
        rs.getInt("priority"),
        rs.getInt("attempt"),
        max,
        timeout,
        rs.getString("unique_key"),
        List.copyOf(Arrays.asList(tags)),
        Json.read(mapper, rs.getString("metadata")),
        errors(Json.read(mapper, rs.getString("errors"))),
        progress,
        rs.getString("progress_message"),
        Json.read(mapper, rs.getString("progress_items")),
        Json.read(mapper, rs.getString("result")),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("scheduled_at")),
        instant(rs.getTimestamp("attempted_at")),
        instant(rs.getTimestamp("finished_at")),
        rs.getString("worker_id"),
        rs.getTimestamp("cancel_requested_at") != null,
        instant(rs.getTimestamp("lease_expires_at")),
        rs.getString("tenant"));
  }

  private static List<JobError> errors(JsonNode array) {
    List<JobError> errors = new ArrayList<>();
    if (array != null) {
      for (JsonNode e : array) {
        errors.add(new JobError(
            e.path("attempt").asInt(),
            e.hasNonNull("at") ? OffsetDateTime.parse(e.get("at").asText()).toInstant() : null,
            e.path("class").asText(null),
            e.path("message").asText(null),
            e.path("stacktrace").asText(null)));
      }
    }
    return List.copyOf(errors);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
