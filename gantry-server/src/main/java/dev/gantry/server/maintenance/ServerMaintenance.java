package dev.gantry.server.maintenance;

import dev.gantry.Gantry;
import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.server.auth.WebhookSecrets;
import dev.gantry.server.database.ServerStatements;
import dev.gantry.worker.Worker;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance a server runs without job handlers of its own: a maintenance-only Gantry
 * worker node (no queues) stages due delayed and retrying jobs, rescues jobs whose lease expired
 * (remote workers' included), prunes finished jobs and ticks schedules, with gantry-core's default
 * intervals; and idempotency keys older than 24 hours are deleted here, every minute. The worker
 * node also delivers the webhooks of jobs and batches enqueued over HTTP, each signed with its API
 * key's webhook secret ({@link WebhookSecrets}), with the Gantry instance's webhook settings.
 */
public final class ServerMaintenance implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerMaintenance.class);
  static final Duration IDEMPOTENCY_PRUNE_INTERVAL = Duration.ofMinutes(1);
  static final int IDEMPOTENCY_PRUNE_BATCH = 1_000;

  private final Gantry gantry;
  private final Db db;
  private final ServerStatements statements;
  private final WebhookSecrets webhookSecrets;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gantry-server-maintenance").factory());
  private Worker worker;

  /** @param dataSource the pool {@code gantry} uses, for the idempotency keys table */
  public ServerMaintenance(Gantry gantry, DataSource dataSource) {
    this.gantry = gantry;
    this.db = new Db(dataSource);
    this.statements = new ServerStatements(gantry.schema());
    this.webhookSecrets = new WebhookSecrets(new KeyStore(dataSource, gantry.schema()));
  }

  /** Starts the maintenance-only worker node and the idempotency key pruning. */
  public synchronized void start() {
    worker = gantry.worker().webhookSigningKeys(webhookSecrets).start();
    thread.scheduleWithFixedDelay(this::pruneQuietly, IDEMPOTENCY_PRUNE_INTERVAL.toMillis(),
        IDEMPOTENCY_PRUNE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
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

  private void pruneQuietly() {
    try {
      pruneIdempotencyKeys();
    } catch (GantryException e) {
      // The next run tries again; the keys only take room meanwhile.
      log.warn("Pruning idempotency keys failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("Pruning idempotency keys failed", e);
    }
  }

  /** Stops the worker node and the pruning, letting a pruning under way finish (at most 10 seconds). */
  @Override
  public synchronized void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (worker != null) {
      worker.close();
    }
  }
}
