package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.ChildWorker;
import dev.gantry.testing.SideEffects;
import dev.gantry.testing.SideEffects.Effect;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.testing.WorkerProcess;
import dev.gantry.worker.LeaseLostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Worker JVMs whose wall clock is hours off the database's (libfaketime), once ahead and once
 * behind: every time decision is the database's, so nothing runs early, nothing is held back
 * for hours, and no lease is stolen. Skipped when libfaketime is not installed
 * ({@code apt-get install faketime}).
 */
class ClockSkewTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Nested
  @DisplayName("worker clocks 3 hours ahead of the database")
  class WorkerClockAhead extends Scenario {
    WorkerClockAhead() {
      super("+3h");
    }
  }

  @Nested
  @DisplayName("worker clocks 3 hours behind the database")
  class WorkerClockBehind extends Scenario {
    WorkerClockBehind() {
      super("-3h");
    }
  }

  /** The tests, run once per offset with one skewed worker JVM. */
  // The lease test goes first, only for speed: the jobs enqueued at the start become due meanwhile.
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  abstract static class Scenario {
    private final String offset;

    Scenario(String offset) {
      this.offset = offset;
    }

    private final TestDatabase db = TestDatabase.get();
    private String schema;
    private TestNode client;
    private SideEffects effects;
    private ChildWorker skewed;
    private UUID delayedId;
    private UUID retriedId;

    private static final String NO_FAKETIME =
        "libfaketime is not installed (Debian: apt-get install faketime); skipping the clock-skew tests";

    @BeforeAll
    void startSkewedWorker() {
      if (ChildWorker.fakeTimeLibrary().isEmpty()) {
        System.out.println(NO_FAKETIME);
        return; // each test reports itself skipped (below)
      }
      schema = db.newSchema();
      client = TestNode.create(schema, "client", 3);
      effects = new SideEffects(db.dataSource(), schema).create();
      // The skewed node serves "default" and does all the maintenance: staging, rescuing.
      skewed = ChildWorker.start(schema, "skewed" + offset, offset, "queues=default:4", "maintenance=true",
          "backoff=3000");
      Duration expected = Duration.ofHours(offset.startsWith("-") ? -3 : 3);
      assertThat(skewed.clockOffset())
          .as("the child's System.currentTimeMillis() really is %s off ours", offset)
          .isBetween(expected.minusMinutes(5), expected.plusMinutes(5));
      System.out.printf("child %s: clock offset %s%n", skewed.workerId(), skewed.clockOffset());
      // Enqueued now so that their waits overlap with the other tests'; each test checks its own.
      delayedId = client.gantry().enqueue("record", Map.of(), JobOptions.defaults().withDelay(Duration.ofSeconds(5))).id();
      retriedId = client.gantry().enqueue("fail-first", Map.of()).id();
    }

    @BeforeEach
    void requireFakeTime() {
      Assumptions.assumeTrue(skewed != null, NO_FAKETIME);
    }

    @AfterAll
    void stop() {
      if (skewed != null) {
        skewed.close();
      }
      if (client != null) {
        client.close();
      }
    }

    @Test
    void delayedJobRunsWhenDueByTheDatabaseClockNeitherEarlierNorHoursLater() throws Exception {
      UUID id = delayedId; // enqueued with a 5 s delay by this (real-clock) JVM
      Job job = client.gantry().awaitCompletion(id, WAIT).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(job.workerId()).isEqualTo(skewed.workerId());
      assertThat(Duration.between(job.createdAt(), job.scheduledAt())).isEqualTo(Duration.ofSeconds(5));
      Effect ran = effects.of(id).getFirst();
      assertThat(ran.worker()).isEqualTo(skewed.workerId());
      assertThat(ran.at()).as("started by the DB clock").isAfterOrEqualTo(job.scheduledAt());
      assertThat(job.attemptedAt()).isAfterOrEqualTo(job.scheduledAt());
      assertThat(effects.of(id)).hasSize(1);
    }

    @Test
    void retryBackoffIsCountedOnTheDatabaseClock() throws Exception {
      UUID id = retriedId; // fails on attempt 1, retried after 3 s
      Job job = client.gantry().awaitCompletion(id, WAIT).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(job.attempt()).isEqualTo(2);
      JobError failure = job.errors().getFirst();
      // The backoff (3 s, no jitter) was added to the database's now() of the failure.
      assertThat(Duration.between(failure.at(), job.scheduledAt())).isEqualTo(Duration.ofSeconds(3));
      assertThat(effects.of(id)).extracting(Effect::what).containsExactly("failed", "ran");
      Effect retried = effects.of(id).get(1);
      assertThat(retried.at()).as("second attempt not before its backoff ended (DB clock)")
          .isAfterOrEqualTo(job.scheduledAt());
      assertThat(job.attemptedAt()).isAfterOrEqualTo(job.scheduledAt());
    }

    @Test
    @Order(1)
    void skewedRescuerLeavesAHeartbeatingLeaseAloneAndTakesItBackOnlyAfterItExpired() {
      // A node with the real clock runs a long job on a queue the skewed node does not serve.
      try (ChildWorker steady = ChildWorker.start(schema, "steady" + offset, null, "queues=held:1", "maintenance=false")) {
        UUID id = client.gantry().enqueue("block", Map.of(), JobOptions.defaults().withQueue("held")).id();
        await().atMost(WAIT).until(() -> !effects.of(id).isEmpty());

        // Two lease lengths while the skewed node's rescuer looks every 250 ms: the lease stays.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> {
          Job job = client.gantry().job(id).orElseThrow();
          return job.state() == JobState.RUNNING && job.attempt() == 1 && job.errors().isEmpty()
              && job.workerId().equals(steady.workerId());
        });

        // Once the steady node dies, the skewed rescuer does take the job back, after the lease ended.
        steady.kill();
        Instant leaseEnd = leaseEndAfterDeath(id, steady);
        await().atMost(WAIT).until(() -> !client.gantry().job(id).orElseThrow().errors().isEmpty());
        Job job = client.gantry().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE); // nobody serves "held" now
        assertThat(job.errors()).singleElement().satisfies(e -> {
          assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName());
          assertThat(e.message()).contains(steady.workerId());
          assertThat(e.at()).isAfterOrEqualTo(leaseEnd);
        });
      }
    }

    private Instant leaseEndAfterDeath(UUID id, ChildWorker dead) {
      await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
          + WorkerProcess.applicationName(dead.workerId()) + "'") == 0);
      try (var c = db.dataSource().getConnection();
          var ps = c.prepareStatement("SELECT lease_expires_at FROM " + schema + ".jobs WHERE id = ? AND state = 'running'")) {
        ps.setObject(1, id);
        try (var rs = ps.executeQuery()) {
          assertThat(rs.next()).as("still running under the dead node's lease").isTrue();
          Timestamp t = rs.getTimestamp(1);
          return t.toInstant();
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
