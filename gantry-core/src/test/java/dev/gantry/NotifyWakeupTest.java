package dev.gantry;

import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers here poll only once a minute, so a job that runs within a few seconds was started by a
 * notification. Polling by the test reads job rows without locking them.
 */
class NotifyWakeupTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final Duration NO_POLL = Duration.ofMinutes(1);

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

  private Job awaitCompleted(UUID id, Duration within) {
    return await("job " + id + " to complete").atMost(within).pollInterval(Duration.ofMillis(20))
        .until(() -> job(gantry, id), j -> j.state() == JobState.COMPLETED);
  }

  @Test
  void enqueuedJobsStartPromptlyWithoutPolling() {
    try (Worker w = fast(gantry).pollInterval(NO_POLL).queue("default", 2).handler("ping", Map.class, (args, ctx) -> "pong")
        .start()) {
      // Several rounds, each with the worker idle in between.
      for (int i = 0; i < 5; i++) {
        UUID id = gantry.enqueue("ping", Map.of("round", i)).id();
        assertThat(awaitCompleted(id, PROMPTLY).result().asText()).isEqualTo("pong");
      }
    }
  }

  @Test
  void jobsOfEachQueueWakeThatQueuesWorker() {
    try (Worker w = fast(gantry).pollInterval(NO_POLL).queue("a", 1).queue("b", 1)
        .handler("ping", Map.class, (args, ctx) -> ctx.queue()).start()) {
      UUID a = gantry.enqueue("ping", null, JobOptions.defaults().withQueue("a")).id();
      UUID b = gantry.enqueue("ping", null, JobOptions.defaults().withQueue("b")).id();
      assertThat(awaitCompleted(a, PROMPTLY).result().asText()).isEqualTo("a");
      assertThat(awaitCompleted(b, PROMPTLY).result().asText()).isEqualTo("b");
    }
  }

  @Test
  void jobInsertedWithPlainSqlWakesWorkers() {
    try (Worker w = fast(gantry).pollInterval(NO_POLL).queue("default", 1).handler("from.sql", Map.class, (args, ctx) -> args.get("n"))
        .start()) {
      UUID id = UUID.fromString(db.queryStrings("INSERT INTO " + gantry.schema()
          + ".jobs (kind, state, args) VALUES ('from.sql', 'available', '{\"n\": 7}') RETURNING id").get(0));
      assertThat(id.version()).isEqualTo(7);
      assertThat(awaitCompleted(id, PROMPTLY).result().asInt()).isEqualTo(7);
    }
  }

  @Test
  void stagedAndRetriedJobsWakeWorkers() {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).pollInterval(NO_POLL).queue("default", 2)
        .handler("later", Map.class, (args, ctx) -> "staged")
        .handler("flaky", Map.class, (args, ctx) -> {
          if (calls.incrementAndGet() < 3) {
            throw new IllegalStateException("again");
          }
          return "third time";
        }, HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(Duration.ZERO, Duration.ZERO, 0, 5)))
        .start()) {
      UUID delayed = gantry.enqueue("later", null, JobOptions.defaults().withDelay(Duration.ofMillis(300))).id();
      UUID flaky = gantry.enqueue("flaky", null).id();

      assertThat(awaitCompleted(delayed, PROMPTLY).result().asText()).isEqualTo("staged");
      Job f = awaitCompleted(flaky, PROMPTLY);
      assertThat(f.attempt()).isEqualTo(3);
      assertThat(f.errors()).hasSize(2);
    }
  }

  @Test
  void wakeUpsRecoverAfterTheListenerConnectionIsKilled() throws Exception {
    // The listener's LISTEN statements are its backend's last query until its first probe, 5 s on.
    String listener = "SELECT pid FROM pg_stat_activity WHERE query ~ '^\\s*LISTEN " + gantry.schema() + "_(wakeup|control|finished|changed)$'";
    try (Worker w = fast(gantry).pollInterval(NO_POLL).queue("default", 1).handler("ping", Map.class, (args, ctx) -> "pong")
        .start()) {
      List<String> before = await("the notification listener to connect").atMost(PROMPTLY)
          .until(() -> db.queryStrings(listener), l -> l.size() == 1);
      UUID first = gantry.enqueue("ping", null).id();
      awaitCompleted(first, PROMPTLY);

      assertThat(db.queryStrings("SELECT pg_terminate_backend(pid) FROM (" + listener + ") l"))
          .containsExactly("t");

      // The killed connection must not go back into the pool as if healthy: the next operations
      // that borrow a connection (Gantry's own and the application's) would fail on it.
      for (int i = 0; i < 30; i++) {
        UUID id = gantry.enqueue("ping", Map.of("burst", i)).id();
        assertThat(gantry.job(id)).isPresent();
        assertThat(db.queryLong("SELECT 1")).isEqualTo(1);
      }

      // The listener reconnects and LISTENs again, on a new backend.
      List<String> after = await("the listener to LISTEN again").atMost(Duration.ofSeconds(10))
          .until(() -> db.queryStrings(listener),
              l -> l.size() == 1 && !l.equals(before));
      assertThat(after).doesNotContainAnyElementsOf(before);

      for (int i = 0; i < 3; i++) {
        UUID id = gantry.enqueue("ping", Map.of("i", i)).id();
        assertThat(awaitCompleted(id, PROMPTLY).result().asText()).isEqualTo("pong");
      }
      // awaitCompletion's notifications come back too
      UUID last = gantry.enqueue("ping", null).id();
      assertThat(gantry.awaitCompletion(last, PROMPTLY)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void closingLeavesNoPooledConnectionListening() throws Exception {
    String schema;
    try (Gantry other = db.newGantry();
        Worker w = fast(other).queue("default", 1).handler("ping", Map.class, (args, ctx) -> "pong").start()) {
      schema = other.schema();
      UUID id = other.enqueue("ping", null).id();
      assertThat(other.awaitCompletion(id, PROMPTLY)).isPresent();
    }
    // Borrow every connection the pool has (and then some): none may still LISTEN for the closed instance.
    List<Connection> borrowed = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        borrowed.add(db.dataSource().getConnection());
      }
      for (Connection c : borrowed) {
        try (var st = c.createStatement();
            var rs = st.executeQuery("SELECT count(*) FROM pg_listening_channels() ch WHERE ch LIKE '" + schema + "\\_%'")) {
          rs.next();
          assertThat(rs.getLong(1)).as("channels of %s still listened to on a pooled connection", schema).isZero();
        }
      }
    } finally {
      for (Connection c : borrowed) {
        c.close();
      }
    }
  }

  // ---- a claim that skips a job another statement has locked for a moment ----

  /**
   * Holds back UPDATEs that leave an available job available (awaitCompletion's watch flag, a
   * duplicate enqueue's no-op update) while the test holds an advisory lock: the row stays locked
   * meanwhile, as it would if the claim ran at just that moment. Claims (available to running)
   * are not held back.
   */
  private final class Gate implements AutoCloseable {
    private final long key = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final Connection holder;

    Gate() throws SQLException {
      String s = gantry.schema();
      db.execute("CREATE FUNCTION " + s + ".gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "PERFORM pg_advisory_xact_lock_shared(" + key + "); RETURN NEW; END $$");
      db.execute("CREATE TRIGGER gate BEFORE UPDATE ON " + s + ".jobs FOR EACH ROW "
          + "WHEN (OLD.state = 'available' AND NEW.state = 'available') EXECUTE FUNCTION " + s + ".gate()");
      holder = db.dataSource().getConnection();
      lock("pg_advisory_lock");
    }

    void awaitBlocked() {
      await("an update to wait at the gate").atMost(PROMPTLY).until(() -> db.queryLong(
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND "
              + "((classid::bigint << 32) | objid::bigint) = " + key) == 1);
    }

    void open() throws SQLException {
      lock("pg_advisory_unlock");
    }

    private void lock(String function) throws SQLException {
      try (PreparedStatement ps = holder.prepareStatement("SELECT " + function + "(?)")) {
        ps.setLong(1, key);
        ps.execute();
      }
    }

    @Override
    public void close() throws SQLException {
      holder.close(); // ends the session and with it the advisory lock
    }
  }

  /** Runs a blocker job on the worker's only slot and returns the latch that ends it. */
  private CountDownLatch occupySlot() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    UUID blocker = gantry.enqueue("blocker", Map.of("latch", System.identityHashCode(release))).id();
    BLOCKERS.put(System.identityHashCode(release), release);
    await().atMost(PROMPTLY).until(() -> job(gantry, blocker).state() == JobState.RUNNING);
    return release;
  }

  private static final Map<Integer, CountDownLatch> BLOCKERS = new java.util.concurrent.ConcurrentHashMap<>();

  private Worker slowPollingSingleSlotWorker() {
    return fast(gantry).pollInterval(NO_POLL).queue("default", 1)
        .handler("blocker", Map.class, (args, ctx) -> {
          BLOCKERS.get((Integer) args.get("latch")).await();
          return null;
        })
        .handler("target", Map.class, (args, ctx) -> "ran")
        .start();
  }

  @Test
  void jobWatchedByAwaitCompletionWhileAWorkerClaimsIsNotLeftForThePoll() throws Exception {
    try (Worker w = slowPollingSingleSlotWorker(); Gate gate = new Gate()) {
      CountDownLatch release = occupySlot();
      UUID target = gantry.enqueue("target", null).id(); // waits: the only slot is busy

      // awaitCompletion marks the job watched; the gate keeps that row lock held for now.
      CompletableFuture<Optional<Job>> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return gantry.awaitCompletion(target, Duration.ofSeconds(20));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      gate.awaitBlocked();

      // The slot frees up and the worker claims while the target row is locked: SKIP LOCKED passes it by.
      release.countDown();
      await().atMost(PROMPTLY).until(() -> gantry.jobs(dev.gantry.job.JobFilter.all().withKind("blocker"))
          .jobs().get(0).state() == JobState.COMPLETED);
      gate.open();

      Job done = awaitCompleted(target, PROMPTLY);
      assertThat(done.result().asText()).isEqualTo("ran");
      assertThat(waiting.get(10, TimeUnit.SECONDS)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void jobHitByADuplicateEnqueueWhileAWorkerClaimsIsNotLeftForThePoll() throws Exception {
    try (Worker w = slowPollingSingleSlotWorker(); Gate gate = new Gate()) {
      CountDownLatch release = occupySlot();
      UUID target = gantry.enqueue("target", null, JobOptions.defaults().withUniqueKey("only-once")).id();

      CompletableFuture<EnqueueResult> duplicate = CompletableFuture.supplyAsync(
          () -> gantry.enqueue("target", null, JobOptions.defaults().withUniqueKey("only-once")));
      gate.awaitBlocked();

      release.countDown();
      await().atMost(PROMPTLY).until(() -> gantry.jobs(dev.gantry.job.JobFilter.all().withKind("blocker"))
          .jobs().get(0).state() == JobState.COMPLETED);
      gate.open();

      assertThat(duplicate.get(10, TimeUnit.SECONDS)).isEqualTo(new EnqueueResult(target, true));
      assertThat(awaitCompleted(target, PROMPTLY).result().asText()).isEqualTo("ran");
    }
  }
}
