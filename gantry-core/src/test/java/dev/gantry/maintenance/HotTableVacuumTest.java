package dev.gantry.maintenance;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HotTableVacuumTest {
  private static final int JOBS = 12_000; // each leaves two dead row versions: the claimed one, the deleted one

  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
    // Autovacuum must not get there first: these tests see who vacuumed by pg_stat_user_tables.last_vacuum.
    db.execute("ALTER TABLE " + gantry.schema() + ".jobs SET (autovacuum_enabled = false)");
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private String stat(String column) {
    List<String> v = db.queryStrings("SELECT coalesce(" + column + "::text, 'null') FROM pg_stat_user_tables "
        + "WHERE schemaname = '" + gantry.schema() + "' AND relname = 'jobs'");
    return v.isEmpty() ? "null" : v.get(0);
  }

  /** Enqueues and runs JOBS no-op jobs with the given worker; returns when all have finished. */
  private void drain(Duration vacuumInterval) {
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      requests.add(JobRequest.of("noop", Map.of("i", i)));
    }
    gantry.enqueueAll(requests);
    AtomicInteger ran = new AtomicInteger();
    try (Worker w = fast(gantry).vacuumInterval(vacuumInterval).queue("default", 32)
        .handler("noop", Map.class, (args, ctx) -> {
          ran.incrementAndGet();
          return null;
        })
        .start()) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs") == 0);
      if (!vacuumInterval.isZero()) {
        // The statistics reach pg_stat_user_tables about once a second; the next check after that vacuums.
        await().atMost(Duration.ofSeconds(30)).until(() -> !stat("last_vacuum").equals("null"));
      }
    }
    assertThat(ran.get()).isGreaterThanOrEqualTo(JOBS);
  }

  @Test
  void workerMaintenanceVacuumsTheJobsTableAfterManyJobsHaveMoved() {
    assertThat(stat("last_vacuum")).isEqualTo("null");

    drain(Duration.ofMillis(100));

    assertThat(stat("last_vacuum")).isNotEqualTo("null");
    assertThat(stat("last_autovacuum")).isEqualTo("null");
  }

  @Test
  void vacuumsOnlyWhenEnoughDeadRowsHaveGathered() {
    HotTableVacuum vacuum = new HotTableVacuum(new Db(db.dataSource()), new Sql(gantry.schema()), 10_000, 0.1);
    assertThat(vacuum.run()).as("an empty table is not due").isFalse();

    drain(Duration.ZERO);
    // Wait for the statistics (flushed about once a second) to show the dead row versions.
    await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(stat("n_dead_tup")) >= 10_000);
    assertThat(stat("last_vacuum")).as("no vacuum with vacuumInterval(ZERO)").isEqualTo("null");

    assertThat(vacuum.run()).isTrue();
    assertThat(stat("last_vacuum")).isNotEqualTo("null");
  }

  @Test
  void aUserThatMayNotVacuumGetsOneWarningAndTheTaskStops() {
    String role = gantry.schema() + "_novacuum";
    db.execute("CREATE ROLE " + role + " LOGIN");
    try {
      db.execute("GRANT USAGE ON SCHEMA " + gantry.schema() + " TO " + role);
      db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + gantry.schema() + " TO " + role);
      String url = db.jdbcUrl().contains("user=") ? db.jdbcUrl().replaceAll("user=[^&]*", "user=" + role)
          : db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + role;
      try (HikariDataSource asRole = TestDatabase.pool(url, 2)) {
        // Always due (no thresholds), so it tries at once.
        HotTableVacuum vacuum = new HotTableVacuum(new Db(asRole), new Sql(gantry.schema()), 0, 0);
        assertThat(vacuum.run()).as("the first run tries, and PostgreSQL only warns").isTrue();
        assertThat(vacuum.run()).as("after the warning it no longer tries").isFalse();
      }
      assertThat(stat("last_vacuum")).isEqualTo("null");
    } finally {
      db.execute("DROP OWNED BY " + role);
      db.execute("DROP ROLE " + role);
    }
  }
}
