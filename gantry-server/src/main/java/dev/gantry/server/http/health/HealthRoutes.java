package dev.gantry.server.http.health;

import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.Responses;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the database answers
 * within 2 seconds). Open without a key, so they say nothing about the database beyond that.
 */
public final class HealthRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

  private final DataSource dataSource;
  /** The check runs apart from the request, so a pool that waits long for a connection cannot hold it past the timeout. */
  private final ExecutorService checks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gantry-ready-", 0).factory());

  public HealthRoutes(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void live(Context ctx) {
    Responses.json(ctx, 200, ApiJson.object().put("status", "up"));
  }

  public void ready(Context ctx) throws InterruptedException {
    Future<?> check = checks.submit(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
      return null;
    });
    try {
      check.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      log.warn("Readiness check failed: the database did not answer: {}", e.getCause().getMessage());
      throw notReady();
    } catch (TimeoutException e) {
      check.cancel(true);
      log.warn("Readiness check failed: the database did not answer within {}", READY_TIMEOUT);
      throw notReady();
    }
    Responses.json(ctx, 200, ApiJson.object().put("status", "ready"));
  }

  private static ProblemException notReady() {
    return new ProblemException(Problems.unavailable("the database is not reachable; this server cannot serve requests"));
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
