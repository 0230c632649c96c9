package dev.gantry.server.maintenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.GantryException;
import dev.gantry.events.JobListener;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobTransitions;
import dev.gantry.maintenance.LeaseRescuer;
import dev.gantry.maintenance.Pruner;
import dev.gantry.maintenance.Retention;
import dev.gantry.maintenance.Stager;
import dev.gantry.server.database.ServerStatements;
import dev.gantry.worker.ExponentialBackoff;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance a server runs without any job handlers of its own: stages due delayed and
 * retrying jobs, rescues jobs whose lease expired, prunes finished jobs past their retention, and
 * deletes idempotency keys older than 24 hours.
 *
 * <p>gantry-core runs the first three only inside a {@code Worker}, which needs at least one
 * queue and would claim that queue's jobs, so the server drives gantry-core's own maintenance
 * classes (the same statements, batch sizes and default intervals as a worker) on its own thread.
 * A job rescued here with no attempts limit of its own gets the default retry policy's limit.
 */
public final class ServerMaintenance implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerMaintenance.class);
  static final Duration STAGE_INTERVAL = Duration.ofMillis(500);
  static final Duration RESCUE_INTERVAL = Duration.ofMillis(7_500); // a quarter of the default 30 s lease
  static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
  static final int IDEMPOTENCY_PRUNE_BATCH = 1_000;

  private final Db db;
  private final ServerStatements statements;
  private final Stager stager;
  private final LeaseRescuer rescuer;
  private final Pruner pruner;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gantry-server-maintenance").factory());

  /** @param listener told of rescued jobs (the server's metrics) */
  public ServerMaintenance(DataSource dataSource, String schema, ObjectMapper mapper, JobListener listener) {
    this.db = new Db(dataSource);
    Sql sql = new Sql(schema);
    this.statements = new ServerStatements(schema);
    this.stager = new Stager(db, sql, 1_000);
    this.rescuer = new LeaseRescuer(db, sql, new JobTransitions(sql), mapper, new Listeners(List.of(listener)),
        kind -> ExponentialBackoff.DEFAULT.maxAttempts(), 500);
    this.pruner = new Pruner(db, sql, Retention.DEFAULT, 1_000, 10);
  }

  public void start() {
    every(STAGE_INTERVAL, "staging due jobs", stager::run);
    every(RESCUE_INTERVAL, "rescuing expired leases", rescuer::run);
    every(PRUNE_INTERVAL, "pruning finished jobs", pruner::run);
    every(PRUNE_INTERVAL, "pruning idempotency keys", this::pruneIdempotencyKeys);
  }

  /** Deletes idempotency keys older than 24 hours, in batches; returns how many. */
  public int pruneIdempotencyKeys() {
    int total = 0;
    int deleted;
    do {
      deleted = db.run("pruning idempotency keys", c -> {
        try (PreparedStatement ps = c.prepareStatement(statements.get("idempotency_prune"))) {
          ps.setInt(1, IDEMPOTENCY_PRUNE_BATCH);
          return ps.executeUpdate();
        }
      });
      total += deleted;
    } while (deleted >= IDEMPOTENCY_PRUNE_BATCH);
    return total;
  }

  private void every(Duration interval, String what, Runnable task) {
    thread.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (GantryException e) {
        log.warn("Gantry server maintenance ({}) failed: {}", what, e.getMessage());
      } catch (RuntimeException e) {
        log.error("Gantry server maintenance ({}) failed", what, e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops, letting a task that is running finish (at most 10 seconds). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
