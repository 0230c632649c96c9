package dev.gantry.maintenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.events.JobEvent;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.job.ErrorJson;
import dev.gantry.job.JobTransitions;
import dev.gantry.job.Transition;
import dev.gantry.worker.LeaseLostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * Takes back running jobs whose lease has expired by the database clock: their worker crashed,
 * hung, or lost the database. Each is retried at once (the failed attempt is recorded), or is
 * dead when it has no attempts left, or cancelled when a cancel was asked for. The selection and
 * the transition happen in one transaction with the rows locked, so a heartbeat that arrives
 * meanwhile waits and then finds its lease gone.
 */
public final class LeaseRescuer {
  private record Stuck(UUID id, String queue, String kind, int attempt, Integer maxAttempts, UUID token, String workerId,
      boolean cancelRequested) {}

  private final Db db;
  private final Sql sql;
  private final JobTransitions transitions;
  private final ObjectMapper mapper;
  private final Listeners listeners;
  private final ToIntFunction<String> defaultMaxAttempts;
  private final int batchSize;

  /** @param defaultMaxAttempts attempts for a kind whose jobs carry no maxAttempts of their own */
  public LeaseRescuer(Db db, Sql sql, JobTransitions transitions, ObjectMapper mapper, Listeners listeners,
      ToIntFunction<String> defaultMaxAttempts, int batchSize) {
    this.db = db;
    this.sql = sql;
    this.transitions = transitions;
    this.mapper = mapper;
    this.listeners = listeners;
    this.defaultMaxAttempts = defaultMaxAttempts;
    this.batchSize = batchSize;
  }

  /** Rescues one batch of expired leases; returns how many jobs it moved. */
  public int run() {
    List<JobEvent> events = new ArrayList<>();
    int moved = db.inTransaction("rescuing jobs with expired leases", c -> {
      List<Stuck> stuck = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.get("rescue_select"))) {
        ps.setInt(1, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int max = rs.getInt("max_attempts");
            Integer maxAttempts = rs.wasNull() ? null : max; // right after the read it is about
            stuck.add(new Stuck(rs.getObject("id", UUID.class), rs.getString("queue"), rs.getString("kind"),
                rs.getInt("attempt"), maxAttempts, rs.getObject("lease_token", UUID.class),
                rs.getString("worker_id"), rs.getBoolean("cancel_requested")));
          }
        }
      }
      if (stuck.isEmpty()) {
        return 0;
      }
      List<Transition> moves = new ArrayList<>(stuck.size());
      for (Stuck s : stuck) {
        String error = ErrorJson.of(mapper, s.attempt(), new LeaseLostException(s.workerId()));
        int max = s.maxAttempts() != null ? s.maxAttempts() : defaultMaxAttempts.applyAsInt(s.kind());
        Transition.Outcome outcome = s.cancelRequested() ? Transition.Outcome.CANCELLED
            : s.attempt() >= max ? Transition.Outcome.DEAD
            : Transition.Outcome.RETRY;
        moves.add(new Transition(s.id(), s.token(), outcome, null, error, 0));
        events.add(new JobEvent.Rescued(s.id(), s.queue(), s.kind(), s.attempt(), outcome.dbName()));
      }
      Set<UUID> changed = transitions.apply(c, moves);
      events.removeIf(e -> !changed.contains(e.jobId()));
      return changed.size();
    });
    events.forEach(listeners::fire);
    return moved;
  }
}
