package dev.gantry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.events.JobEvent;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.job.ErrorJson;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobTransitions;
import dev.gantry.job.Transition;
import dev.gantry.job.Transition.Outcome;
import dev.gantry.limits.LimitEnforcement;
import dev.gantry.limits.LimitedClaim;
import dev.gantry.notify.Notifier;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Leases for workers outside this JVM (the HTTP server hands these out): claim jobs, renew the
 * lease with progress, and report the outcome. Every write names the lease token of the claim
 * and is guarded by it in SQL, exactly like a library worker's: a worker whose lease expired and
 * was rescued, or that reports twice, changes nothing and is told {@link LeaseResult.LeaseLost}.
 * A tenant given to a call limits it to that tenant's jobs; another tenant's job is
 * {@link LeaseResult.NotFound}, as if it did not exist.
 *
 * <p>Queues with a {@linkplain dev.gantry.limits.Limits limit} are claimed within it
 * ({@link LimitedClaim}); a claim that names limited and other queues takes from the limited ones
 * first, then fills up from the others.
 *
 * <p>Expired leases are rescued by the {@link dev.gantry.maintenance.LeaseRescuer} of any node
 * running maintenance, as for library workers; failures retry with {@link ExponentialBackoff#DEFAULT}.
 */
public final class JobLeases {
  /** While long-polling, claim again at least this often even without a notification. */
  private static final Duration DEFAULT_RECHECK = Duration.ofSeconds(1);
  private static final RetryPolicy RETRY = ExponentialBackoff.DEFAULT;
  /** Recorded as the error class of a failure a remote worker reports. */
  static final String REMOTE_FAILURE = "remote";

  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final Notifier notifier;
  private final Runnable ensureListening;
  private final JobTransitions transitions;
  private final JobReader reader;
  private final Listeners listeners;
  private final Duration recheck;
  private final LimitEnforcement limits;

  /** @param ensureListening starts the notification listener that long-polling claims wait on */
  public JobLeases(Db db, Sql sql, ObjectMapper mapper, Notifier notifier, Runnable ensureListening,
      JobTransitions transitions, JobReader reader, Listeners listeners, LimitEnforcement limits) {
    this(db, sql, mapper, notifier, ensureListening, transitions, reader, listeners, limits, DEFAULT_RECHECK);
  }

  /** As above, re-checking a long-polling claim every {@code recheck} without a notification. */
  JobLeases(Db db, Sql sql, ObjectMapper mapper, Notifier notifier, Runnable ensureListening,
      JobTransitions transitions, JobReader reader, Listeners listeners, LimitEnforcement limits, Duration recheck) {
    this.recheck = recheck;
    this.limits = limits;
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.notifier = notifier;
    this.ensureListening = ensureListening;
    this.transitions = transitions;
    this.reader = reader;
    this.listeners = listeners;
  }

  /**
   * Claims up to {@code limit} available jobs of the requested queues (and kinds, and tenant), in
   * priority, due time, id order; each becomes {@code running} under a fresh lease. When none is
   * available and the request allows waiting, waits for a job to become available (woken by the
   * queues' NOTIFY, re-checking every second) until one is claimed or the wait is over.
   *
   * @return the claimed jobs, empty if none became available in time
   * @throws dev.gantry.GantryException if the database cannot be reached
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public List<LeasedJob> claim(ClaimRequest request) throws InterruptedException {
    Objects.requireNonNull(request, "request");
    if (request.maxWait().isZero()) {
      return claimNow(request).jobs();
    }
    ensureListening.run();
    limits.queues().start();
    // Subscribed before the first claim: a job that becomes available after it wakes this call.
    Semaphore woken = new Semaphore(0);
    Runnable stopWakeups = notifier.onWakeup(queue -> {
      if (request.queues().contains(queue)) {
        woken.release();
      }
    });
    // A limited queue whose slots were used up may have one free again.
    Runnable stopFreed = notifier.onControl(message -> {
      int colon = message.indexOf(':');
      if (colon > 0 && (message.startsWith("freed:") || message.startsWith("limits:"))
          && request.queues().contains(message.substring(colon + 1))) {
        woken.release();
      }
    });
    // After a (re)connection, notifications sent meanwhile are lost: claim again.
    Runnable stopReconnects = notifier.onReconnect(woken::release);
    try {
      long deadline = System.nanoTime() + request.maxWait().toNanos();
      while (true) {
        Attempt attempt = claimNow(request);
        long remaining = deadline - System.nanoTime();
        if (!attempt.jobs().isEmpty() || remaining <= 0) {
          return attempt.jobs();
        }
        long wait = Math.min(remaining, recheck.toNanos());
        if (attempt.rateFreesIn() != null) {
          wait = Math.min(wait, attempt.rateFreesIn().toNanos());
        }
        woken.tryAcquire(wait, TimeUnit.NANOSECONDS);
        woken.drainPermits();
      }
    } finally {
      stopWakeups.run();
      stopFreed.run();
      stopReconnects.run();
    }
  }

  /** What one claim took; rateFreesIn: when a limited queue's rate lets a job start again (null: no such wait). */
  private record Attempt(List<LeasedJob> jobs, Duration rateFreesIn) {}

  private Attempt claimNow(ClaimRequest r) {
    List<LeasedJob> jobs = new ArrayList<>();
    List<String> others = new ArrayList<>();
    Duration rateFreesIn = null;
    for (String queue : r.queues()) {
      if (!limits.queues().isLimited(queue)) {
        others.add(queue);
      } else if (jobs.size() < r.limit()) {
        LimitedClaim.Result limited =
            limits.claim().claim(queue, r.limit() - jobs.size(), r.kinds(), r.tenant(), r.lease(), r.workerId());
        if (limited == null) {
          others.add(queue); // its limit was just removed
        } else {
          limited.jobs().forEach(j -> jobs.add(leased(j)));
          rateFreesIn = earliest(earliest(rateFreesIn, limited.rateWait()), limited.partitionWait());
        }
      }
    }
    if (!others.isEmpty() && jobs.size() < r.limit()) {
      jobs.addAll(claimUnlimited(r, others, r.limit() - jobs.size()));
    }
    if (!listeners.isEmpty()) {
      jobs.forEach(j -> listeners.fire(new JobEvent.Started(j.id(), j.queue(), j.kind(), j.attempt())));
    }
    return new Attempt(jobs, rateFreesIn);
  }

  private static Duration earliest(Duration a, Duration b) {
    return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
  }

  private LeasedJob leased(LimitedClaim.Claimed j) {
    return new LeasedJob(j.id(), j.queue(), j.kind(), Json.read(mapper, j.argsJson()), Json.read(mapper, j.metadataJson()),
        j.attempt(), j.maxAttempts(), j.leaseToken(), j.leaseExpiresAt(), j.tenant(), j.createdAt(), j.scheduledAt(),
        j.attemptedAt());
  }

  private List<LeasedJob> claimUnlimited(ClaimRequest r, List<String> queues, int limit) {
    return db.run("claiming jobs for remote worker " + r.workerId(), c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("claim_remote"))) {
        String[] kinds = r.kinds().toArray(String[]::new);
        ps.setArray(1, c.createArrayOf("text", queues.toArray(String[]::new)));
        ps.setArray(2, c.createArrayOf("text", kinds));
        ps.setArray(3, c.createArrayOf("text", kinds));
        ps.setString(4, r.tenant());
        ps.setString(5, r.tenant());
        ps.setInt(6, limit);
        ps.setInt(7, limit);
        ps.setLong(8, r.lease().toMillis());
        ps.setString(9, r.workerId());
        List<LeasedJob> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int max = rs.getInt("max_attempts");
            Integer maxAttempts = rs.wasNull() ? null : max;
            result.add(new LeasedJob(
                rs.getObject("id", UUID.class),
                rs.getString("queue"),
                rs.getString("kind"),
                Json.read(mapper, rs.getString("args")),
                Json.read(mapper, rs.getString("metadata")),
                rs.getInt("attempt"),
                maxAttempts,
                rs.getObject("lease_token", UUID.class),
                rs.getTimestamp("lease_expires_at").toInstant(),
                rs.getString("tenant"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("scheduled_at").toInstant(),
                rs.getTimestamp("attempted_at").toInstant()));
          }
        }
        return result;
      }
    });
  }

  /**
   * Renews the lease to end {@code extendBy} after the database's now(), and records progress if
   * given (a null field of it keeps the stored value), in one write.
   *
   * @param extendBy 1 second to 1 hour
   * @param tenant when not null, only a job of this tenant is touched
   * @return {@link LeaseResult.Ok} with the lease's new end and whether a cancel was asked for;
   *     {@link LeaseResult.LeaseLost} or {@link LeaseResult.NotFound}, with nothing written
   * @throws IllegalArgumentException if {@code extendBy} is out of range
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public LeaseResult heartbeat(UUID id, UUID token, Duration extendBy, Progress progress, String tenant) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
    ClaimRequest.requireLease(extendBy, "extendBy");
    Progress p = progress == null ? new Progress(null, null, null) : progress;
    LeaseResult written = db.run("renewing the lease of job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("lease_heartbeat"))) {
        ps.setLong(1, extendBy.toMillis());
        ps.setObject(2, p.percent(), Types.SMALLINT);
        ps.setString(3, p.message());
        ps.setString(4, p.items() == null ? null : p.items().toString());
        ps.setObject(5, id);
        ps.setObject(6, token);
        ps.setString(7, tenant);
        ps.setString(8, tenant);
        ps.setBoolean(9, p.percent() != null || p.message() != null || p.items() != null);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new LeaseResult.Ok(rs.getBoolean(1), rs.getTimestamp(2).toInstant());
          }
        }
      }
      return null;
    });
    return written != null ? written : notWritten(id, tenant);
  }

  /**
   * Records the attempt as completed, with its result: the job moves to {@code completed}.
   *
   * @param result the result to store (null for none)
   * @param tenant when not null, only a job of this tenant is touched
   * @return {@link LeaseResult.Ok}, or {@link LeaseResult.LeaseLost} / {@link LeaseResult.NotFound}
   *     with nothing written (completing twice gives LeaseLost the second time)
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public LeaseResult complete(UUID id, UUID token, JsonNode result, String tenant) {
    String resultJson = result == null || result.isNull() ? null : result.toString();
    return finish(id, token, tenant, "completing job " + id, held -> {
      Transition t = new Transition(id, token, Outcome.COMPLETED, resultJson, null, 0, tenant);
      JobEvent e = new JobEvent.Completed(id, held.queue(), held.kind(), held.attempt(), Duration.ofMillis(held.runMillis()));
      return new Decision(t, e);
    });
  }

  /**
   * Records the attempt as failed, with {@code message} appended to the job's errors. A
   * retryable failure with attempts left makes the job {@code retryable}, due again after the
   * default exponential backoff; otherwise it is {@code dead}. A job whose cancel was asked for
   * ends {@code cancelled} instead.
   *
   * @param retryable false for a failure that no retry can fix
   * @param tenant when not null, only a job of this tenant is touched
   * @return {@link LeaseResult.Ok}, or {@link LeaseResult.LeaseLost} / {@link LeaseResult.NotFound}
   *     with nothing written
   * @throws IllegalArgumentException if the message is longer than 32,000 characters
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public LeaseResult fail(UUID id, UUID token, String message, boolean retryable, String tenant) {
    if (message != null && message.length() > 32_000) {
      throw new IllegalArgumentException("message must be at most 32000 characters, got " + message.length());
    }
    return finish(id, token, tenant, "failing job " + id, held -> {
      String error = ErrorJson.of(mapper, held.attempt(), REMOTE_FAILURE, message, null);
      int maxAttempts = held.maxAttempts() != null ? held.maxAttempts() : RETRY.maxAttempts();
      if (held.cancelRequested()) {
        return new Decision(new Transition(id, token, Outcome.CANCELLED, null, error, 0, tenant),
            new JobEvent.Cancelled(id, held.queue(), held.kind(), held.attempt()));
      }
      if (!retryable || held.attempt() >= maxAttempts) {
        return new Decision(new Transition(id, token, Outcome.DEAD, null, error, 0, tenant),
            new JobEvent.Dead(id, held.queue(), held.kind(), held.attempt(), REMOTE_FAILURE + ": " + message));
      }
      Duration backoff = RETRY.backoff(held.attempt());
      return new Decision(new Transition(id, token, Outcome.RETRY, null, error, backoff.toMillis(), tenant),
          new JobEvent.Failed(id, held.queue(), held.kind(), held.attempt(), REMOTE_FAILURE + ": " + message, backoff));
    });
  }

  /** The job as locked under a still-current lease. */
  private record Held(String queue, String kind, int attempt, Integer maxAttempts, boolean cancelRequested,
      long runMillis) {}

  private record Decision(Transition transition, JobEvent event) {}

  private interface Decider {
    Decision decide(Held held);
  }

  /** Locks the job under its lease, decides the outcome, and writes it, in one transaction. */
  private LeaseResult finish(UUID id, UUID token, String tenant, String what, Decider decider) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
    JobEvent[] fired = new JobEvent[1];
    LeaseResult result = db.inTransaction(what, c -> {
      Held held = lock(c, id, token, tenant);
      if (held == null) {
        return null;
      }
      Decision d = decider.decide(held);
      Set<UUID> changed = transitions.apply(c, List.of(d.transition()));
      if (changed.isEmpty()) {
        // Cannot happen while the row is locked under this token; say so rather than report success.
        throw new IllegalStateException("job " + id + " was locked under its lease but the outcome matched no row");
      }
      fired[0] = d.event();
      return new LeaseResult.Ok(false, null);
    });
    if (result == null) {
      return notWritten(id, tenant);
    }
    if (limits.queues().isKnownLimited(fired[0].queue())) {
      limits.freedSlots().freed(fired[0].queue());
    }
    if (!listeners.isEmpty()) {
      listeners.fire(fired[0]);
    }
    return result;
  }

  private Held lock(Connection c, UUID id, UUID token, String tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("lease_lock"))) {
      ps.setObject(1, id);
      ps.setObject(2, token);
      ps.setString(3, tenant);
      ps.setString(4, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        int max = rs.getInt("max_attempts");
        Integer maxAttempts = rs.wasNull() ? null : max;
        return new Held(rs.getString("queue"), rs.getString("kind"), rs.getInt("attempt"), maxAttempts,
            rs.getBoolean("cancel_requested"), rs.getLong("run_ms"));
      }
    }
  }

  /** Why a guarded write matched no row: the job is there (another lease holds it) or it is not. */
  private LeaseResult notWritten(UUID id, String tenant) {
    return reader.find(id, tenant).isPresent() ? new LeaseResult.LeaseLost() : new LeaseResult.NotFound();
  }
}
