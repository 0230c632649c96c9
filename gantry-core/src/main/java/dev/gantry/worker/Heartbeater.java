package dev.gantry.worker;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every job this node holds, in one statement per interval. A job whose
 * row does not come back has been rescued or finished elsewhere: its execution is told it lost
 * the lease. A job flagged for cancellation is told to cancel (the fallback when the NOTIFY was
 * missed).
 */
final class Heartbeater {
  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);

  private final Db db;
  private final Sql sql;
  private final Duration interval;
  private final Duration leaseDuration;
  private final Supplier<Collection<JobExecution>> inFlight;
  private final LeaseLossHandler onLeaseLost;
  private final Thread thread;
  private volatile boolean running = true;

  interface LeaseLossHandler {
    void leaseLost(JobExecution execution);
  }

  Heartbeater(Db db, Sql sql, Duration interval, Duration leaseDuration, Supplier<Collection<JobExecution>> inFlight,
      LeaseLossHandler onLeaseLost) {
    this.db = db;
    this.sql = sql;
    this.interval = interval;
    this.leaseDuration = leaseDuration;
    this.inFlight = inFlight;
    this.onLeaseLost = onLeaseLost;
    this.thread = Thread.ofPlatform().daemon().name("gantry-heartbeat").unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(5));
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        beat();
      } catch (GantryException e) {
        log.warn("Renewing job leases failed ({}); trying again in {}", e.getMessage(), interval);
      }
    }
  }

  /** One round of lease renewal for everything this node holds now. */
  void beat() {
    Map<UUID, JobExecution> held = new HashMap<>();
    for (JobExecution e : inFlight.get()) {
      held.put(e.job().id(), e);
    }
    if (held.isEmpty()) {
      return;
    }
    List<UUID> ids = new ArrayList<>(held.keySet());
    UUID[] idArray = ids.toArray(UUID[]::new);
    UUID[] tokens = new UUID[idArray.length];
    for (int i = 0; i < idArray.length; i++) {
      tokens[i] = held.get(idArray[i]).job().leaseToken();
    }
    Map<UUID, Boolean> renewed = db.run("renewing job leases", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("heartbeat"))) {
        ps.setArray(1, c.createArrayOf("uuid", idArray));
        ps.setArray(2, c.createArrayOf("uuid", tokens));
        ps.setLong(3, leaseDuration.toMillis());
        Map<UUID, Boolean> result = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getObject(1, UUID.class), rs.getBoolean(2));
          }
        }
        return result;
      }
    });
    for (Map.Entry<UUID, JobExecution> entry : held.entrySet()) {
      Boolean cancel = renewed.get(entry.getKey());
      JobExecution execution = entry.getValue();
      if (cancel == null) {
        onLeaseLost.leaseLost(execution);
      } else if (cancel && !execution.cancelRequested()) {
        execution.requestCancel();
      }
    }
  }
}
