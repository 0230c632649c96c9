package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionalEnqueueTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
    db.execute("CREATE TABLE " + gantry.schema() + ".orders (id int PRIMARY KEY)");
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  @Test
  void committedJobExistsOnlyAfterCommitAndThenRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 2).handler("ship", Map.class, (args, ctx) -> runs.incrementAndGet())
        .start();
        Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO " + gantry.schema() + ".orders VALUES (1)");
      }
      EnqueueResult r = gantry.enqueue(c, "ship", Map.of("order", 1), JobOptions.defaults());

      // Not visible outside the transaction, so no worker can have it.
      assertThat(gantry.job(r.id())).isEmpty();
      // The caller's connection is left as it was: open, in its transaction.
      assertThat(c.isClosed()).isFalse();
      assertThat(c.getAutoCommit()).isFalse();

      c.commit();

      assertThat(awaitFinished(gantry, r.id()).state()).isEqualTo(JobState.COMPLETED);
      assertThat(runs.get()).isEqualTo(1);
      assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".orders")).isEqualTo(1);
    }
  }

  @Test
  void rolledBackJobNeverExistsAndNeverRuns() throws Exception {
    AtomicInteger rolledBackRuns = new AtomicInteger();
    UUID rolledBack;
    // Polling is slow so that only a wake-up could make the worker look early; a rolled-back
    // insert must not wake anything that finds a job.
    try (Worker w = fast(gantry).pollInterval(Duration.ofMinutes(1)).queue("default", 2)
        .handler("ship", Map.class, (args, ctx) -> rolledBackRuns.incrementAndGet())
        .handler("marker", Map.class, (args, ctx) -> null)
        .start()) {
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO " + gantry.schema() + ".orders VALUES (2)");
        }
        rolledBack = gantry.enqueueAll(c, List.of(JobRequest.of("ship", Map.of("order", 2)),
            JobRequest.of("ship", Map.of("order", 3)))).get(0).id();
        c.rollback();
      }
      // A job enqueued afterwards runs: the worker is alive and has looked at the queue since.
      UUID marker = gantry.enqueue("marker", null).id();
      assertThat(awaitFinished(gantry, marker).state()).isEqualTo(JobState.COMPLETED);
    }

    assertThat(gantry.job(rolledBack)).isEmpty();
    assertThat(rolledBackRuns.get()).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs WHERE kind = 'ship'")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".orders")).isZero();
  }

  @Test
  void transactionalUniqueKeyDuplicateSeesCommittedJob() throws Exception {
    UUID existing = gantry.enqueue("ship", null, JobOptions.defaults().withUniqueKey("order-7")).id();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      EnqueueResult r = gantry.enqueue(c, "ship", null, JobOptions.defaults().withUniqueKey("order-7"));
      c.commit();
      assertThat(r.duplicate()).isTrue();
      assertThat(r.id()).isEqualTo(existing);
    }
  }

  @Test
  void duplicateKeyWithinOneTransactionReturnsTheJobItEnqueuedEarlier() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      EnqueueResult first = gantry.enqueue(c, "ship", Map.of("n", 1), JobOptions.defaults().withUniqueKey("same-tx"));
      EnqueueResult second = gantry.enqueue(c, "ship", Map.of("n", 2), JobOptions.defaults().withUniqueKey("same-tx"));
      c.commit();

      assertThat(first.duplicate()).isFalse();
      assertThat(second.duplicate()).isTrue();
      assertThat(second.id()).isEqualTo(first.id());
    }
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).isEqualTo(1);
  }

  @Test
  void failedInsertRaisesSqlExceptionAndTheCallerRollsBack() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO " + gantry.schema() + ".orders VALUES (9)");
        // Make the next insert into jobs fail inside the caller's transaction.
        s.execute("ALTER TABLE " + gantry.schema() + ".jobs ADD CONSTRAINT no_kind_x CHECK (kind <> 'x')");
      }
      assertThatThrownBy(() -> gantry.enqueue(c, "x", null, JobOptions.defaults())).isInstanceOf(SQLException.class);
      c.rollback();
    }
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".orders")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs")).isZero();
  }

  @Test
  void jobsReadOnTheTransactionsConnectionIncludeItsUncommittedOnesInTheOrderAsked() throws Exception {
    UUID committed = gantry.enqueue("k", Map.of("n", 0)).id();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      UUID fresh = gantry.enqueue(c, "k", Map.of("n", 1), JobOptions.defaults().withQueue("q")).id();

      List<Job> read = gantry.jobs(c, List.of(fresh, UUID.randomUUID(), committed, fresh));

      assertThat(read).extracting(Job::id).containsExactly(fresh, committed, fresh);
      assertThat(read.get(0).queue()).isEqualTo("q");
      assertThat(read.get(0).args().get("n").asInt()).isEqualTo(1);
      assertThat(read.get(0).state()).isEqualTo(JobState.AVAILABLE);
      // Still uncommitted: only the transaction's own connection sees it.
      assertThat(gantry.job(fresh)).isEmpty();
      c.rollback();
    }
  }
}
