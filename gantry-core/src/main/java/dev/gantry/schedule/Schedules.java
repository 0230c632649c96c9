package dev.gantry.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Recurring schedules: define them (in code at startup, or through the API), list, pause, resume
 * and delete them. Every worker node with maintenance on ticks them (see
 * {@link dev.gantry.worker.WorkerBuilder#scheduleInterval}): at each tick exactly one job is
 * enqueued, however many nodes run. Ticks are computed from the database's clock, never this JVM's.
 *
 * <pre>{@code
 * gantry.schedules().define(ScheduleDefinition.of("nightly-report", "0 3 * * *", "report.build", Map.of())
 *     .withTimeZone(ZoneId.of("Europe/Berlin"))
 *     .withMissed(MissedTicks.RUN_ONCE));
 * }</pre>
 *
 * <p>Cron expressions are read by the {@link CronParser} on the class path: add
 * {@code dev.gantry:gantry-cron}. Without one, {@link #define} and {@link #resume} throw
 * {@link IllegalStateException} saying so; the other operations work.
 *
 * <p>Names are unique within a tenant. This unscoped view addresses the schedules without a tenant
 * by name, and {@link #list()} lists every tenant's; {@link #forTenant(String)} addresses and lists
 * one tenant's only.
 */
public final class Schedules {
  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final String tenant;

  /** Applications use {@code Gantry.schedules()}. */
  public Schedules(Db db, Sql sql, ObjectMapper mapper, String tenant) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.tenant = tenant;
  }

  /**
   * The same operations, limited to one tenant's schedules: others' look exactly like missing ones.
   *
   * @throws IllegalArgumentException if the tenant name is not valid
   */
  public Schedules forTenant(String tenant) {
    return new Schedules(db, sql, mapper, JobOptions.requireTenant(tenant));
  }

  /**
   * Creates the schedule, or replaces the definition of the one with the same name in the same
   * tenant: idempotent, so that every node can define its schedules at startup. A new schedule
   * first ticks at the expression's first tick after the database's now. Replacing a schedule
   * keeps its next tick unless its expression or time zone changed (then: the first tick of the
   * new one after now); a paused schedule stays paused. Jobs already enqueued are not changed.
   *
   * <p>In a tenant's view ({@link #forTenant}) the schedule is that tenant's: a definition without a
   * tenant gets it, one naming another is refused.
   *
   * @return the schedule as stored, and whether it was created or changed
   * @throws IllegalArgumentException naming the field at fault: {@code cron} if the expression is
   *     not valid or never fires, {@code options.tenant} for another tenant, {@code args} or
   *     {@code options} if they cannot be written as JSON; nothing was written
   * @throws IllegalStateException if no {@link CronParser} is on the class path (add gantry-cron)
   * @throws dev.gantry.GantryException if the database refuses or cannot be reached; nothing was written
   */
  public Defined define(ScheduleDefinition definition) {
    ScheduleDefinition d = stamped(Objects.requireNonNull(definition, "definition"));
    CronExpression cron = parse(d.cron());
    JobOptions o = d.options();
    String args = Json.write(mapper, d.args() == null ? Map.of() : d.args(), "args: the args of schedule " + d.name());
    String metadata = Json.write(mapper, o.metadata(), "options: the metadata of schedule " + d.name());
    return db.inTransaction("defining schedule " + d.name(), c -> {
      Instant now = now(c);
      Instant next = cron.next(now, d.timeZone()).orElseThrow(() -> new IllegalArgumentException(
          "cron: '" + d.cron() + "' never fires (in zone " + d.timeZone() + ")"));
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_upsert"))) {
        int p = 1;
        ps.setString(p++, d.tenant());
        ps.setString(p++, d.name());
        ps.setString(p++, d.cron());
        ps.setString(p++, d.timeZone().getId());
        ps.setString(p++, d.kind());
        ps.setString(p++, args);
        ps.setString(p++, o.queue());
        ps.setInt(p++, o.priority());
        ps.setObject(p++, o.maxAttempts(), Types.INTEGER);
        ps.setObject(p++, o.timeout() == null ? null : Math.max(1, o.timeout().toMillis()), Types.BIGINT);
        ps.setArray(p++, c.createArrayOf("text", o.tags().toArray(String[]::new)));
        ps.setString(p++, metadata);
        ps.setString(p++, d.missed().dbName());
        ps.setLong(p++, d.grace().toMillis());
        ps.setObject(p, next.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Defined(read(rs), rs.getBoolean("created"), rs.getBoolean("changed"));
        }
      }
    });
  }

  /** Every schedule of this view (all tenants' for the unscoped one), by tenant and name. */
  public List<Schedule> list() {
    return db.run("listing schedules", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_list"))) {
        ps.setString(1, tenant);
        ps.setString(2, tenant);
        List<Schedule> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  /** The schedule with this name; empty if there is none (in this view's tenant). */
  public Optional<Schedule> get(String name) {
    ScheduleDefinition.requireName(name);
    return db.run("reading schedule " + name, c -> get(c, name));
  }

  /**
   * Pauses the schedule: its ticks enqueue nothing until {@link #resume}; jobs already enqueued
   * still run. Pausing a paused schedule changes nothing.
   *
   * @return the schedule, paused
   * @throws ScheduleNotFoundException if there is no such schedule (in this view's tenant)
   */
  public Schedule pause(String name) {
    ScheduleDefinition.requireName(name);
    return db.run("pausing schedule " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_pause"))) {
        ps.setString(1, tenantKey());
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new ScheduleNotFoundException(tenant, name);
          }
          return read(rs);
        }
      }
    });
  }

  /**
   * Resumes a paused schedule from its first tick after the database's now: the ticks that came
   * while it was paused are not made up for (whatever its {@link MissedTicks} policy). Resuming a
   * running schedule changes nothing.
   *
   * @return the schedule, running
   * @throws ScheduleNotFoundException if there is no such schedule (in this view's tenant)
   * @throws IllegalArgumentException naming {@code cron} if its expression cannot be read here
   * @throws IllegalStateException if no {@link CronParser} is on the class path (add gantry-cron)
   */
  public Schedule resume(String name) {
    ScheduleDefinition.requireName(name);
    return db.inTransaction("resuming schedule " + name, c -> {
      String cron;
      ZoneId zone;
      Instant now;
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_lock"))) {
        ps.setString(1, tenantKey());
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new ScheduleNotFoundException(tenant, name);
          }
          if (rs.getTimestamp("paused_at") == null) {
            return get(c, name).orElseThrow(() -> new ScheduleNotFoundException(tenant, name));
          }
          cron = rs.getString("cron");
          zone = ZoneId.of(rs.getString("time_zone"));
          now = instant(rs, "now");
        }
      }
      Instant next = parse(cron).next(now, zone).orElse(null);
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_resume"))) {
        ps.setObject(1, next == null ? null : next.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(2, tenantKey());
        ps.setString(3, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return read(rs);
        }
      }
    });
  }

  /**
   * Deletes the schedule: no tick of it enqueues a job any more. The jobs it enqueued stay as they are.
   *
   * @throws ScheduleNotFoundException if there is no such schedule (in this view's tenant)
   */
  public void delete(String name) {
    ScheduleDefinition.requireName(name);
    boolean deleted = db.run("deleting schedule " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_delete"))) {
        ps.setString(1, tenantKey());
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
    if (!deleted) {
      throw new ScheduleNotFoundException(tenant, name);
    }
  }

  /** This view's tenant; null for the unscoped one. */
  public String tenant() {
    return tenant;
  }

  private Optional<Schedule> get(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("schedule_get"))) {
      ps.setString(1, tenantKey());
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** Schedules without a tenant share the '' namespace of the name index. */
  private String tenantKey() {
    return tenant == null ? "" : tenant;
  }

  private ScheduleDefinition stamped(ScheduleDefinition d) {
    if (tenant == null) {
      return d;
    }
    if (d.tenant() == null) {
      return d.withOptions(d.options().withTenant(tenant));
    }
    if (!d.tenant().equals(tenant)) {
      throw new IllegalArgumentException("options.tenant: these schedules are limited to tenant '" + tenant
          + "' and cannot be defined for tenant '" + d.tenant() + "'; leave the tenant out or set it to '" + tenant + "'");
    }
    return d;
  }

  private static CronExpression parse(String cron) {
    try {
      return CronParsers.require().parse(cron);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cron: '" + cron + "' is not a valid cron expression: " + e.getMessage(), e);
    }
  }

  private Instant now(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("database_now"));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  private Schedule read(ResultSet rs) throws SQLException {
    Map<String, Object> metadata = new LinkedHashMap<>();
    // As a job's metadata: JSON values as they are, so that nulls and nesting survive.
    Json.read(mapper, rs.getString("metadata")).properties().forEach(e -> metadata.put(e.getKey(), e.getValue()));
    Long timeoutMs = rs.getObject("timeout_ms", Long.class);
    JobOptions options = new JobOptions(rs.getString("queue"), rs.getInt("priority"), null, null,
        rs.getObject("max_attempts", Integer.class), timeoutMs == null ? null : Duration.ofMillis(timeoutMs), null,
        List.copyOf(Arrays.asList((String[]) rs.getArray("tags").getArray())), metadata, rs.getString("tenant"));
    JsonNode args = Json.read(mapper, rs.getString("args"));
    ScheduleDefinition definition = new ScheduleDefinition(rs.getString("name"), rs.getString("cron"),
        ZoneId.of(rs.getString("time_zone")), rs.getString("kind"), args, options, MissedTicks.of(rs.getString("missed")),
        Duration.ofMillis(rs.getLong("grace_ms")));
    return new Schedule(definition, instant(rs, "paused_at"), instant(rs, "next_run_at"), instant(rs, "last_run_at"),
        rs.getObject("last_job_id", UUID.class), instant(rs, "created_at"), instant(rs, "updated_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
