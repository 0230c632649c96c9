package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.SideEffects;
import dev.gantry.testing.SideEffects.Effect;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.LeaseLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The in-JVM counterpart of {@link ClockSkewTest}, needing no libfaketime: here the database's
 * clock is moved instead of the workers'. Every connection of the nodes runs with
 * {@code search_path = <clock schema>, pg_catalog}, where {@code <clock schema>.now()} is
 * {@code pg_catalog.now()} plus an offset; Gantry's SQL (and the schema's column defaults, created
 * through such a connection) call {@code now()} unqualified, so they all see the moved clock,
 * while every JVM clock stays real. Any place where Gantry mixed a JVM time into a database time
 * decision would be hours off. (This relies on Gantry's SQL using {@code now()}, which the
 * search path reaches, rather than {@code CURRENT_TIMESTAMP}, which it does not.)
 */
class DatabaseClockSkewTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Nested
  @DisplayName("database clock 3 hours ahead of the workers'")
  class DatabaseAhead extends Scenario {
    DatabaseAhead() {
      super(3);
    }
  }

  @Nested
  @DisplayName("database clock 3 hours behind the workers'")
  class DatabaseBehind extends Scenario {
    DatabaseBehind() {
      super(-3);
    }
  }

  // The lease test goes first, only for speed: the jobs enqueued at the start become due meanwhile.
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  abstract static class Scenario {
    private final int offsetHours;
    private final TestDatabase db = TestDatabase.get();
    private String schema;
    private TestNode maintainer;
    private TestNode steady;
    private SideEffects effects;
    private UUID delayedId;
    private UUID retriedId;
    private UUID heldId;
    private Instant enqueuedAtJvmTime;

    Scenario(int offsetHours) {
      this.offsetHours = offsetHours;
    }

    private TestNode node(String name) {
      return TestNode.create(schema, name, 5, "SET search_path = " + schema + "_clock, pg_catalog");
    }

    @BeforeAll
    void start() {
      schema = db.newSchema();
      db.execute("CREATE SCHEMA " + schema + "_clock");
      db.execute("CREATE FUNCTION " + schema + "_clock.now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ "
          + "SELECT pg_catalog.now() + interval '" + offsetHours + " hours' $$");
      maintainer = node("maintainer"); // migrates, with the moved clock in the column defaults
      effects = new SideEffects(maintainer.connections(), schema).create();
      // Records every lease end ever set, to compare rescues with the last one.
      db.execute("CREATE TABLE " + schema + ".leases (job_id uuid, attempt int, expires timestamptz)");
      db.execute("CREATE FUNCTION " + schema + ".record_lease() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "INSERT INTO " + schema + ".leases VALUES (NEW.id, NEW.attempt, NEW.lease_expires_at); RETURN NULL; END $$");
      db.execute("CREATE TRIGGER record_lease AFTER UPDATE ON " + schema + ".jobs FOR EACH ROW "
          + "WHEN (NEW.lease_expires_at IS NOT NULL) EXECUTE FUNCTION " + schema + ".record_lease()");

      Duration backoff = Duration.ofSeconds(3);
      maintainer.startWorker(b -> b.queue("default", 4)
          .handler("record", JsonNode.class, (args, ctx) -> {
            effects.record(ctx.jobId(), ctx.attempt(), "maintainer", "ran");
            return null;
          })
          .handler("fail-first", JsonNode.class, (args, ctx) -> {
            effects.record(ctx.jobId(), ctx.attempt(), "maintainer", ctx.attempt() == 1 ? "failed" : "ran");
            if (ctx.attempt() == 1) {
              throw new IllegalStateException("first attempt fails on purpose");
            }
            return null;
          }, HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(backoff, backoff, 0, 5))));
      steady = node("steady");
      steady.startWorker(b -> b.queue("held", 1).maintenance(false).handler("block", JsonNode.class, (args, ctx) -> {
        effects.record(ctx.jobId(), ctx.attempt(), "steady", "started");
        new CountDownLatch(1).await(); // until its lease is lost or the node stops
        return null;
      }));
      enqueuedAtJvmTime = Instant.now();
      delayedId = maintainer.gantry().enqueue("record", Map.of(), JobOptions.defaults().withDelay(Duration.ofSeconds(5))).id();
      retriedId = maintainer.gantry().enqueue("fail-first", Map.of()).id();
      heldId = maintainer.gantry().enqueue("block", Map.of(), JobOptions.defaults().withQueue("held")).id();
    }

    @AfterAll
    void stop() {
      if (steady != null) {
        steady.close();
      }
      if (maintainer != null) {
        maintainer.close();
      }
    }

    @Test
    void delayedJobRunsWhenDueByTheDatabaseClock() throws Exception {
      Job job = maintainer.gantry().awaitCompletion(delayedId, WAIT).orElseThrow();
      // The moved clock is in effect: the job's times are hours off the JVM's.
      assertThat(Duration.between(enqueuedAtJvmTime, job.createdAt()))
          .isBetween(Duration.ofHours(offsetHours).minusMinutes(5), Duration.ofHours(offsetHours).plusMinutes(5));
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(Duration.between(job.createdAt(), job.scheduledAt())).isEqualTo(Duration.ofSeconds(5));
      assertThat(effects.of(delayedId)).singleElement()
          .satisfies(e -> assertThat(e.at()).isAfterOrEqualTo(job.scheduledAt()));
      assertThat(job.attemptedAt()).isAfterOrEqualTo(job.scheduledAt());
    }

    @Test
    void retryBackoffIsCountedOnTheDatabaseClock() throws Exception {
      Job job = maintainer.gantry().awaitCompletion(retriedId, WAIT).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(job.attempt()).isEqualTo(2);
      JobError failure = job.errors().getFirst();
      assertThat(Duration.between(failure.at(), job.scheduledAt())).isEqualTo(Duration.ofSeconds(3));
      assertThat(effects.of(retriedId)).extracting(Effect::what).containsExactly("failed", "ran");
      assertThat(effects.of(retriedId).get(1).at()).isAfterOrEqualTo(job.scheduledAt());
    }

    @Test
    @Order(1)
    void leaseIsKeptWhileRenewedAndRescuedOnlyAfterItEnded() {
      UUID id = heldId; // run by the steady node, which never finishes it
      await().atMost(WAIT).until(() -> !effects.of(id).isEmpty());
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> {
        Job job = maintainer.gantry().job(id).orElseThrow();
        return job.state() == JobState.RUNNING && job.attempt() == 1 && job.errors().isEmpty();
      });

      steady.connections().cutOff(); // its heartbeats stop reaching the database
      await().atMost(WAIT).until(() -> !maintainer.gantry().job(id).orElseThrow().errors().isEmpty());
      Instant lastLeaseEnd;
      try (var c = db.dataSource().getConnection(); var s = c.createStatement();
          var rs = s.executeQuery("SELECT max(expires) FROM " + schema + ".leases WHERE job_id = '" + id + "'")) {
        rs.next();
        lastLeaseEnd = rs.getTimestamp(1).toInstant();
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      assertThat(maintainer.gantry().job(id).orElseThrow().errors()).singleElement().satisfies(e -> {
        assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName());
        assertThat(e.at()).isAfterOrEqualTo(lastLeaseEnd);
      });
    }
  }
}
