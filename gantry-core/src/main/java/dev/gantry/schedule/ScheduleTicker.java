package dev.gantry.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobInserter;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enqueues the jobs of due schedules: one of every worker node's maintenance tasks. In one
 * transaction per batch it takes the schedules due by the database clock ({@code FOR UPDATE SKIP
 * LOCKED}), enqueues each one's job through the {@link JobInserter}, and moves it to its next tick
 * (computed here from its expression and time zone); the row lock and the update guarded on the
 * tick it was due at make each tick enqueue exactly one job however many nodes tick at once.
 * Missed ticks (after downtime) are handled by {@link TickPlanner}.
 *
 * <p>Every job carries {@code schedule} (the schedule's name) and {@code scheduled_for} (its tick,
 * ISO-8601) in its metadata, and a catch-up job {@code catch_up: true}.
 */
public final class ScheduleTicker {
  private static final Logger log = LoggerFactory.getLogger(ScheduleTicker.class);
  /** Batches in one run at most, so that one run ends; the next run goes on where it stopped. */
  private static final int MAX_BATCHES = 1_000;

  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final JobInserter inserter;
  private final Listeners listeners;
  private final CronParser parser;
  private final int batchSize;
  /**
   * Schedules this node could not read (an expression or zone it does not know), with what it could
   * not read: each is warned about once, until it is defined anew.
   */
  private final Map<UUID, String> warned = new ConcurrentHashMap<>();

  public ScheduleTicker(Db db, Sql sql, ObjectMapper mapper, Listeners listeners, CronParser parser, int batchSize) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.inserter = new JobInserter(sql, mapper);
    this.listeners = listeners;
    this.parser = parser;
    this.batchSize = batchSize;
  }

  /**
   * A ticker with the {@link CronParser} on the class path; empty without one (no gantry-cron),
   * when this node cannot tick schedules.
   */
  public static Optional<ScheduleTicker> withFoundParser(Db db, Sql sql, ObjectMapper mapper, Listeners listeners,
      int batchSize) {
    Optional<CronParser> parser = CronParsers.find();
    if (parser.isEmpty()) {
      log.debug("Gantry schedules are not ticked on this node: {}", CronParsers.MISSING);
    }
    return parser.map(p -> new ScheduleTicker(db, sql, mapper, listeners, p, batchSize));
  }

  /**
   * Ticks every due schedule, a batch per transaction, until none is due.
   *
   * @return how many jobs were enqueued
   * @throws dev.gantry.GantryException if the database fails; the batch under way is rolled back
   *     whole (no job, no schedule moved), and the next run takes it again
   */
  public int run() {
    int enqueued = 0;
    // Left out of this run's later batches, so that they cannot hold up the schedules behind them.
    Set<UUID> unreadable = new HashSet<>();
    for (int i = 0; i < MAX_BATCHES; i++) {
      Batch batch = db.inTransaction("ticking due schedules", c -> tick(c, unreadable));
      batch.notes().forEach(Runnable::run);
      for (JobEvent.Enqueued e : batch.enqueued()) {
        listeners.fire(e);
      }
      enqueued += batch.enqueued().size();
      if (batch.read() == 0) {
        break;
      }
    }
    return enqueued;
  }

  /** One transaction's work; its notes (log lines) and events are for after the commit. */
  private record Batch(int read, List<JobEvent.Enqueued> enqueued, List<Runnable> notes) {}

  /** A due schedule, as read with the database's now. */
  private record Due(UUID id, String tenant, String name, String cron, String timeZone, String kind, String args,
      String queue, int priority, Integer maxAttempts, Long timeoutMs, List<String> tags, String metadata,
      MissedTicks missed, Duration grace, Instant dueAt, Instant lastRunAt, Instant now) {}

  private Batch tick(Connection c, Set<UUID> unreadable) throws SQLException {
    List<Due> due = due(c, unreadable);
    List<JobEvent.Enqueued> enqueued = new ArrayList<>();
    List<Runnable> notes = new ArrayList<>();
    for (Due d : due) {
      TickPlan plan;
      try {
        plan = TickPlanner.plan(parser.parse(d.cron()), ZoneId.of(d.timeZone()), d.dueAt(), d.now(), d.grace(),
            d.missed());
      } catch (IllegalArgumentException | DateTimeException e) {
        // Written by a node whose parser or time zone rules this one lacks: leave the schedule to
        // the nodes that can read it, and say so once.
        unreadable.add(d.id());
        String what = "cron '" + d.cron() + "' in zone " + d.timeZone();
        if (!what.equals(warned.put(d.id(), what))) {
          notes.add(() -> log.warn("Schedule {}{} cannot be ticked on this node: {}: {}", d.name(),
              d.tenant() == null ? "" : " (tenant " + d.tenant() + ")", what, e.getMessage()));
        }
        continue;
      }
      EnqueueResult job = null;
      // A tick at or before the last one run has had its job (next_run_at moved back by a database
      // clock set back): it only moves the schedule on.
      if (plan.tick() != null && (d.lastRunAt() == null || plan.tick().isAfter(d.lastRunAt()))) {
        JobRequest request = request(d, plan);
        job = inserter.insert(c, List.of(request)).get(0);
        enqueued.add(new JobEvent.Enqueued(job.id(), request.options().queue(), request.kind(), job.duplicate()));
      }
      advance(c, d, plan, job == null ? null : job.id());
      if (plan.missedAny()) {
        UUID jobId = job == null ? null : job.id();
        notes.add(() -> log.info("Schedule {}{} missed its ticks from {} to {} (more than {} late): {}", d.name(),
            d.tenant() == null ? "" : " (tenant " + d.tenant() + ")", plan.firstMissed(), plan.lastMissed(), d.grace(),
            jobId == null ? "skipped" : "one catch-up job " + jobId + " enqueued for " + plan.tick()));
      }
    }
    return new Batch(due.size(), enqueued, notes);
  }

  private List<Due> due(Connection c, Set<UUID> unreadable) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_due"))) {
      ps.setArray(1, c.createArrayOf("uuid", unreadable.toArray(UUID[]::new)));
      ps.setInt(2, batchSize);
      List<Due> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Due(
              rs.getObject("id", UUID.class),
              rs.getString("tenant"),
              rs.getString("name"),
              rs.getString("cron"),
              rs.getString("time_zone"),
              rs.getString("kind"),
              rs.getString("args"),
              rs.getString("queue"),
              rs.getInt("priority"),
              rs.getObject("max_attempts", Integer.class),
              rs.getObject("timeout_ms", Long.class),
              List.copyOf(Arrays.asList((String[]) rs.getArray("tags").getArray())),
              rs.getString("metadata"),
              MissedTicks.of(rs.getString("missed")),
              Duration.ofMillis(rs.getLong("grace_ms")),
              instant(rs, "next_run_at"),
              instant(rs, "last_run_at"),
              instant(rs, "now")));
        }
      }
      return out;
    }
  }

  private JobRequest request(Due d, TickPlan plan) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    Json.read(mapper, d.metadata()).properties().forEach(e -> metadata.put(e.getKey(), e.getValue()));
    metadata.put("schedule", d.name());
    metadata.put("scheduled_for", plan.tick().toString());
    if (plan.catchUp()) {
      metadata.put("catch_up", true);
    }
    JobOptions options = new JobOptions(d.queue(), d.priority(), null, null, d.maxAttempts(),
        d.timeoutMs() == null ? null : Duration.ofMillis(d.timeoutMs()), null, d.tags(), metadata, d.tenant());
    JsonNode args = Json.read(mapper, d.args());
    return new JobRequest(d.kind(), args, options);
  }

  private void advance(Connection c, Due d, TickPlan plan, UUID jobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_advance"))) {
      ps.setObject(1, timestamp(plan.next()), Types.TIMESTAMP_WITH_TIMEZONE);
      OffsetDateTime tick = jobId == null ? null : timestamp(plan.tick());
      ps.setObject(2, tick, Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(3, jobId, Types.OTHER);
      ps.setObject(4, d.id());
      ps.setObject(5, timestamp(d.dueAt()), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(6, tick, Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(7, tick, Types.TIMESTAMP_WITH_TIMEZONE);
      if (ps.executeUpdate() != 1) {
        // The row is locked by this transaction since it was read: nothing else can have moved it.
        throw new IllegalStateException("schedule " + d.name() + " changed while locked for its tick at " + d.dueAt()
            + "; the batch was rolled back");
      }
    }
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
