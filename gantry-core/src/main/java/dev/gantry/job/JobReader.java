package dev.gantry.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Reads jobs: one by id, filtered pages, and counts per queue and state. */
public final class JobReader {
  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;

  public JobReader(Db db, Sql sql, ObjectMapper mapper) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
  }

  public Optional<Job> find(UUID id) {
    return find(id, null);
  }

  /** The job, if it exists and, when {@code tenant} is not null, belongs to that tenant. */
  public Optional<Job> find(UUID id, String tenant) {
    return db.run("reading job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("job_get"))) {
        ps.setObject(1, id);
        ps.setString(2, tenant);
        ps.setString(3, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
      }
    });
  }

  /**
   * The jobs with these ids, read on the caller's connection (so inside its transaction), in the
   * order of the ids; an id without a job is left out, a repeated id gives its job again.
   */
  public List<Job> find(Connection c, List<UUID> ids) throws SQLException {
    Map<UUID, Job> byId = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.get("jobs_by_ids"))) {
      ps.setArray(1, c.createArrayOf("uuid", ids.stream().distinct().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Job job = map(rs);
          byId.put(job.id(), job);
        }
      }
    }
    return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
  }

  public JobPage list(JobFilter filter) {
    return db.run("listing jobs", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("job_list"))) {
        int p = 1;
        for (String value : new String[] {
            filter.queue(), filter.kind(), filter.state() == null ? null : filter.state().dbName(), filter.tag(),
            filter.tenant()}) {
          ps.setString(p++, value);
          ps.setString(p++, value);
        }
        for (Instant value : new Instant[] {filter.createdAfter(), filter.createdBefore()}) {
          OffsetDateTime at = value == null ? null : value.atOffset(ZoneOffset.UTC);
          ps.setObject(p++, at, Types.TIMESTAMP_WITH_TIMEZONE);
          ps.setObject(p++, at, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        ps.setObject(p++, filter.after(), Types.OTHER);
        ps.setObject(p++, filter.after(), Types.OTHER);
        ps.setInt(p, filter.limit() + 1);
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            jobs.add(map(rs));
          }
        }
        UUID next = null;
        if (jobs.size() > filter.limit()) {
          jobs.remove(jobs.size() - 1);
          next = jobs.get(jobs.size() - 1).id();
        }
        return new JobPage(List.copyOf(jobs), next);
      }
    });
  }

  public List<QueueCount> counts() {
    return db.run("counting jobs", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("queue_counts"));
          ResultSet rs = ps.executeQuery()) {
        List<QueueCount> counts = new ArrayList<>();
        while (rs.next()) {
          counts.add(new QueueCount(rs.getString(1), JobState.fromDb(rs.getString(2)), rs.getLong(3)));
        }
        return counts;
      }
    });
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
        rs.getString("tenant"),
        rs.getObject("batch_id", UUID.class),
        webhookUrl(rs.getString("webhook_url")));
  }

  private static URI webhookUrl(String url) {
    return url == null ? null : URI.create(url);
  }

  private static List<JobError> errors(JsonNode array) {
    List<JobError> errors = new ArrayList<>();
    if (array != null) {
      for (JsonNode e : array) {
        errors.add(new JobError(
            e.path("attempt").asInt(),
            e.hasNonNull("at") ? java.time.OffsetDateTime.parse(e.get("at").asText()).toInstant() : null,
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
