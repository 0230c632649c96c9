package dev.gantry.sqlapi;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job enqueued through the SQL function starts as promptly as one enqueued from Java: the
 * worker here polls once a minute, so a start within seconds means the insert trigger's NOTIFY
 * woke it. The times are printed for the record; the bound asserted is loose on purpose.
 */
class SqlEnqueuePickupTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final int ROUNDS = 5;

  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  @Test
  void aSqlEnqueuedJobStartsAsPromptlyAsAJavaEnqueuedOne() throws Exception {
    SqlApi sql = new SqlApi(gantry.schema());
    Map<UUID, Long> startedAt = new ConcurrentHashMap<>();
    List<Long> fromSqlMillis = new ArrayList<>();
    List<Long> fromJavaMillis = new ArrayList<>();
    try (Worker w = fast(gantry).pollInterval(Duration.ofMinutes(1)).queue("mail", 2)
        .handler("ping", Map.class, (args, ctx) -> {
          startedAt.put(ctx.jobId(), System.nanoTime());
          return "pong";
        })
        .start()) {
      // Alternate, each round with the worker idle, so both paths see the same conditions.
      for (int i = 0; i < ROUNDS; i++) {
        long t0 = System.nanoTime();
        UUID fromSql = sql.enqueue(db.dataSource(), "ping", "{}", "{\"queue\": \"mail\"}");
        fromSqlMillis.add(awaitStart(startedAt, fromSql, t0));

        long t1 = System.nanoTime();
        UUID fromJava = gantry.enqueue("ping", null, JobOptions.defaults().withQueue("mail")).id();
        fromJavaMillis.add(awaitStart(startedAt, fromJava, t1));
      }
    }
    System.out.printf("SQL API pickup: enqueue to handler start, ms: from SQL %s, from Java %s%n", fromSqlMillis, fromJavaMillis);
    assertThat(fromSqlMillis).allSatisfy(ms -> assertThat(ms).isLessThan(PROMPTLY.toMillis()));
    assertThat(fromJavaMillis).allSatisfy(ms -> assertThat(ms).isLessThan(PROMPTLY.toMillis()));
  }

  private static long awaitStart(Map<UUID, Long> startedAt, UUID id, long enqueuedAt) {
    long started = await("job " + id + " to start").atMost(PROMPTLY).pollInterval(Duration.ofMillis(5))
        .until(() -> startedAt.get(id), t -> t != null);
    return (started - enqueuedAt) / 1_000_000;
  }
}
