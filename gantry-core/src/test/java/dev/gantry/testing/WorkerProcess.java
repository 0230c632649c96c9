package dev.gantry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import dev.gantry.events.JobEvent;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.Worker;
import dev.gantry.worker.WorkerBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker node in a JVM of its own, for tests that kill a node or run it under a faked clock
 * ({@link ChildWorker} starts it). Arguments are {@code key=value}:
 *
 * <ul>
 *   <li>{@code url}, {@code schema}, {@code worker} (its worker id): required;
 *   <li>{@code queues}: {@code name:concurrency,...} (default {@code default:4});
 *   <li>{@code lease}, {@code heartbeat}, {@code rescue}, {@code stage}, {@code poll}: milliseconds;
 *   <li>{@code maintenance}: {@code true} (default) or {@code false};
 *   <li>{@code backoff}: the fixed retry backoff of kind {@code fail-first}, in ms (default 1000);
 *   <li>{@code work}: how long kind {@code sleepy} works, in ms (default 3000).
 * </ul>
 *
 * <p>Handlers, by kind; each writes to {@link SideEffects} (so the parent can count them):
 * {@code record} writes {@code ran} and returns {@code {worker, attempt}}; {@code block} writes
 * {@code started} and blocks until interrupted (or killed); {@code fail-first} writes {@code failed}
 * and throws on attempt 1, and from attempt 2 on behaves as {@code record}; {@code sleepy} writes
 * {@code started}, works for {@code work} ms (default 3000), then writes {@code finished} and returns
 * {@code {worker, attempt}} (or, interrupted, writes {@code interrupted-cancelled} when
 * {@code isCancelled()} was true, else {@code interrupted}).
 *
 * <p>Each job event is printed as {@code EVENT <type> <job id> <attempt or ->}.
 *
 * <p>Prints {@code CLOCK <System.currentTimeMillis()>} (so the parent can check a faked clock),
 * then {@code READY <worker id>} once the worker runs. It stops gracefully when its standard
 * input closes.
 */
public final class WorkerProcess {
  private WorkerProcess() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String id = require(a, "worker");
    String schema = require(a, "schema");
    System.out.println("CLOCK " + System.currentTimeMillis());
    System.out.flush();

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(require(a, "url"));
    config.setMaximumPoolSize(6);
    config.setMinimumIdle(1);
    config.setPoolName("child-" + id);
    config.addDataSourceProperty("ApplicationName", applicationName(id));
    HikariDataSource pool = new HikariDataSource(config);
    SideEffects effects = new SideEffects(pool, schema);
    // Every job event this node fires, for the parent to await: EVENT <type> <job id> <attempt or ->
    Gantry gantry = Gantry.builder(pool).schema(schema).migrate(false).listener(event -> {
      String attempt = switch (event) {
        case JobEvent.Started e -> Integer.toString(e.attempt());
        case JobEvent.Completed e -> Integer.toString(e.attempt());
        case JobEvent.LeaseLost e -> Integer.toString(e.attempt());
        case JobEvent.Failed e -> Integer.toString(e.attempt());
        default -> "-";
      };
      System.out.println("EVENT " + event.getClass().getSimpleName() + " " + event.jobId() + " " + attempt);
    }).build();

    WorkerBuilder b = gantry.worker().workerId(id);
    for (String q : a.getOrDefault("queues", "default:4").split(",")) {
      String[] parts = q.split(":");
      b.queue(parts[0], Integer.parseInt(parts[1]));
    }
    b.leaseDuration(millis(a, "lease", 2_000))
        .heartbeatInterval(millis(a, "heartbeat", 500))
        .rescueInterval(millis(a, "rescue", 250))
        .stageInterval(millis(a, "stage", 100))
        .pollInterval(millis(a, "poll", 200))
        .shutdownTimeout(Duration.ZERO)
        .maintenance(Boolean.parseBoolean(a.getOrDefault("maintenance", "true")));
    Duration backoff = millis(a, "backoff", 1_000);
    b.handler("record", JsonNode.class, (args, ctx) -> {
      effects.record(ctx.jobId(), ctx.attempt(), id, "ran");
      return Map.of("worker", id, "attempt", ctx.attempt());
    });
    b.handler("block", JsonNode.class, (args, ctx) -> {
      effects.record(ctx.jobId(), ctx.attempt(), id, "started");
      new CountDownLatch(1).await(); // until interrupted (lease lost, cancel) or the process is killed
      return null;
    });
    Duration work = millis(a, "work", 3_000);
    b.handler("sleepy", JsonNode.class, (args, ctx) -> {
      effects.record(ctx.jobId(), ctx.attempt(), id, "started");
      try {
        new CountDownLatch(1).await(work.toMillis(), TimeUnit.MILLISECONDS); // simulated work
      } catch (InterruptedException e) {
        effects.record(ctx.jobId(), ctx.attempt(), id, ctx.isCancelled() ? "interrupted-cancelled" : "interrupted");
        throw e;
      }
      effects.record(ctx.jobId(), ctx.attempt(), id, "finished");
      return Map.of("worker", id, "attempt", ctx.attempt());
    });
    b.handler("fail-first", JsonNode.class, (args, ctx) -> {
      if (ctx.attempt() == 1) {
        effects.record(ctx.jobId(), ctx.attempt(), id, "failed");
        throw new IllegalStateException("first attempt fails on purpose");
      }
      effects.record(ctx.jobId(), ctx.attempt(), id, "ran");
      return Map.of("worker", id, "attempt", ctx.attempt());
    }, HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(backoff, backoff, 0, 5)));

    Worker worker = b.start();
    System.out.println("READY " + id);
    System.out.flush();

    while (System.in.read() != -1) {
      // runs until the parent closes our standard input (or kills us)
    }
    worker.close();
    gantry.close();
    pool.close();
    System.out.println("STOPPED " + id);
  }

  /** The application_name the child's database sessions carry, so a test can see them go. */
  public static String applicationName(String workerId) {
    return "gantry-child-" + workerId;
  }

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return v;
  }

  private static Duration millis(Map<String, String> a, String key, long dflt) {
    return Duration.ofMillis(Long.parseLong(a.getOrDefault(key, Long.toString(dflt))));
  }
}
