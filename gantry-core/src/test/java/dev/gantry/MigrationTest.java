package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.schema.Migration;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MigrationTest {
  private static final List<String> TABLES = List.of("api_keys", "batches", "finished_counts", "finished_jobs",
      "idempotency_keys", "job_dependencies", "jobs", "queue_limit_starts", "queue_limits", "schedules",
      "schema_migrations", "webhook_deliveries", "workflow_steps");

  private final TestDatabase db = TestDatabase.get();

  /** Every migration this build ships, as versions, for instance [1, 4]. */
  private static List<Integer> allVersions(String schema) {
    return new Migrator(schema).migrations().stream().map(Migration::version).toList();
  }

  private List<String> tables(String schema) {
    return db.queryStrings("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "' ORDER BY tablename");
  }

  /** Everything the migrations create, described without the schema name, for comparing two schemas. */
  private List<String> structure(String schema) {
    String q = "'" + schema + "'";
    List<String> out = new ArrayList<>();
    for (String sql : List.of(
        "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '"
            + " || coalesce(column_default, '-') FROM information_schema.columns WHERE table_schema = " + q
            + " ORDER BY table_name, ordinal_position",
        "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = " + q + " ORDER BY indexname",
        "SELECT 'trigger ' || event_object_table || ' ' || trigger_name || ' ' || action_timing || ' ' || event_manipulation"
            + " || ' ' || action_statement FROM information_schema.triggers WHERE trigger_schema = " + q + " ORDER BY 1",
        "SELECT 'function ' || proname || ' ' || prosrc FROM pg_proc WHERE pronamespace = " + q + "::regnamespace ORDER BY proname",
        "SELECT 'view ' || table_name || ' ' || view_definition FROM information_schema.views WHERE table_schema = " + q,
        "SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            + " WHERE connamespace = " + q + "::regnamespace ORDER BY 1",
        "SELECT 'migration ' || version || ' ' || name FROM " + schema + ".schema_migrations ORDER BY version")) {
      db.queryStrings(sql).forEach(row -> out.add(row.replace(schema, "<schema>")));
    }
    return out;
  }

  @Test
  void applyingMigrationsAgainChangesNothing() throws Exception {
    String schema = db.newSchema();
    Migrator migrator = new Migrator(schema);
    assertThat(migrator.migrate(db.dataSource())).containsExactlyElementsOf(allVersions(schema));
    List<String> before = structure(schema);

    assertThat(migrator.migrate(db.dataSource())).isEmpty();
    try (Gantry a = Gantry.builder(db.dataSource()).schema(schema).build();
        Gantry b = Gantry.builder(db.dataSource()).schema(schema).build()) {
      UUID id = a.enqueue("k", null).id();
      assertThat(b.job(id)).isPresent();
    }
    assertThat(structure(schema)).isEqualTo(before);
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".schema_migrations")).isEqualTo(allVersions(schema).size());
  }

  @Test
  void nodesStartingTogetherOnANewSchemaAllSucceedAndMigrateOnce() throws Exception {
    int nodes = 8;
    String reference = db.newSchema();
    new Migrator(reference).migrate(db.dataSource());
    List<String> referenceMigrations = db.queryStrings("SELECT version || ' ' || name FROM " + reference + ".schema_migrations ORDER BY version");
    long referenceFunctions = db.queryLong("SELECT count(*) FROM pg_proc WHERE pronamespace = '" + reference + "'::regnamespace");
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      for (int round = 0; round < 3; round++) {
        String schema = db.newSchema();
        CountDownLatch ready = new CountDownLatch(nodes);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Gantry>> started = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
          started.add(pool.submit(() -> {
            ready.countDown();
            go.await();
            return Gantry.builder(db.dataSource()).schema(schema).build();
          }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<Gantry> instances = new ArrayList<>();
        for (Future<Gantry> f : started) {
          instances.add(f.get(60, TimeUnit.SECONDS));
        }

        assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
        assertThat(db.queryStrings("SELECT version || ' ' || name FROM " + schema + ".schema_migrations ORDER BY version"))
            .startsWith("1 jobs").containsExactlyElementsOf(referenceMigrations);
        assertThat(db.queryLong("SELECT count(*) FROM pg_proc WHERE pronamespace = '" + schema + "'::regnamespace"))
            .isEqualTo(referenceFunctions);
        // and the schema works
        Gantry any = instances.get(round);
        UUID id = instances.get(nodes - 1).enqueue("k", null).id();
        try (Worker w = fast(any).queue("default", 1).handler("k", Map.class, (args, ctx) -> "ok").start()) {
          assertThat(any.awaitCompletion(id, WAIT)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
        }
        instances.forEach(Gantry::close);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void migrationScriptRunByHandMakesTheSameSchema() throws Exception {
    String reference = db.newSchema();
    new Migrator(reference).migrate(db.dataSource());
    String empty = db.newSchema();
    db.execute("CREATE SCHEMA " + empty);
    String absent = db.newSchema();

    for (String schema : List.of(empty, absent)) {
      String script = Gantry.migrationScript(schema);
      assertThat(script).startsWith("BEGIN;").contains("COMMIT;").doesNotContain("${schema}");
      // As psql -f would: the whole text, in autocommit mode, the script's own BEGIN/COMMIT deciding.
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute(script);
      }
      assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
      assertThat(structure(schema)).isEqualTo(structure(reference));
      assertThat(new Migrator(schema).migrate(db.dataSource())).as("nothing left to migrate").isEmpty();

      try (Gantry gantry = Gantry.builder(db.dataSource()).schema(schema).migrate(false).build();
          Worker w = fast(gantry).queue("default", 1).handler("k", Map.class, (args, ctx) -> "ok").start()) {
        UUID id = gantry.enqueue("k", null).id();
        assertThat(gantry.awaitCompletion(id, WAIT)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
      }
    }
  }

  @Test
  void migrateFalseLeavesTheDatabaseAlone() {
    String schema = db.newSchema();
    try (Gantry gantry = Gantry.builder(db.dataSource()).schema(schema).migrate(false).build()) {
      assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'")).isZero();
      assertThatThrownBy(() -> gantry.enqueue("k", null)).isInstanceOf(GantryException.class).hasMessageContaining("enqueueing");
    }
  }

  @Test
  void failedMigrationKeepsNothing() {
    String schema = db.newSchema();
    db.execute("CREATE SCHEMA " + schema);
    db.execute("CREATE TABLE " + schema + ".jobs (id int)"); // in the way of the migration

    assertThatThrownBy(() -> Gantry.builder(db.dataSource()).schema(schema).build())
        .isInstanceOf(GantryException.class).hasMessageContaining("migrating schema " + schema);
    assertThat(tables(schema)).containsExactly("jobs");
    assertThat(db.queryLong("SELECT count(*) FROM pg_proc WHERE pronamespace = '" + schema + "'::regnamespace")).isZero();
  }

  @Test
  void badSchemaNamesAreRejected() {
    for (String bad : Arrays.asList(null, "", "Gantry", "1jobs", "my-jobs", "my jobs", "gantry;drop table x", "public.jobs",
        "\"quoted\"", "émoji", "x".repeat(42))) {
      assertThatThrownBy(() -> Gantry.builder(db.dataSource()).schema(bad)).as("schema %s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
      assertThatThrownBy(() -> Gantry.migrationScript(bad)).as("script for schema %s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    }
  }

  @Test
  void reservedWordsAreRejectedAsSchemaNames() {
    // Words PostgreSQL does not accept as an unquoted schema name; Gantry never quotes it.
    List<String> reserved = db.queryStrings("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word");
    assertThat(reserved).contains("order", "user", "select", "table");
    for (String word : reserved) {
      assertThatThrownBy(() -> Gantry.builder(db.dataSource()).schema(word)).as("schema %s", word)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema").hasMessageContaining("reserved");
    }
  }

  @Test
  void longestAllowedSchemaNameWorksEndToEnd() throws Exception {
    String base = db.newSchema();
    String longest = (base + "_" + "x".repeat(41)).substring(0, 41);
    try (Gantry gantry = Gantry.builder(db.dataSource()).schema(longest).build();
        Worker w = fast(gantry).pollInterval(java.time.Duration.ofMinutes(1)).queue("default", 1)
            .handler("k", Map.class, (args, ctx) -> "ok").start()) {
      assertThat(gantry.schema()).hasSize(41);
      UUID id = gantry.enqueue("k", null).id();
      // polling is off, so the notification channels (named after the schema) work
      assertThat(gantry.awaitCompletion(id, WAIT)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void upgradingAVersion1SchemaKeepsItsJobsAndTheirUniqueKeys() throws Exception {
    String schema = db.newSchema();
    // Version 1 only, as a node of the previous release would have left it, with jobs in both tables.
    Migration v1 = new Migrator(schema).migrations().get(0);
    assertThat(v1.version()).isEqualTo(1);
    db.execute("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema
        + ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    db.execute(v1.sql());
    db.execute("INSERT INTO " + schema + ".schema_migrations (version, name) VALUES (1, 'jobs')");
    db.execute("INSERT INTO " + schema + ".jobs (kind, state, unique_key) VALUES ('old', 'available', 'held')");
    db.execute("INSERT INTO " + schema + ".finished_jobs (id, queue, kind, args, state, priority, attempt, tags, metadata,"
        + " errors, created_at, scheduled_at) VALUES (gen_random_uuid(), 'default', 'old', '{}', 'completed', 0, 1, '{}',"
        + " '{}', '[]', now(), now())");

    assertThat(new Migrator(schema).migrate(db.dataSource())).startsWith(2).doesNotContain(1);

    try (Gantry gantry = Gantry.builder(db.dataSource()).schema(schema).build()) {
      var page = gantry.jobs(JobFilter.all());
      assertThat(page.jobs()).hasSize(2).allSatisfy(j -> {
        assertThat(j.kind()).isEqualTo("old");
        assertThat(j.tenant()).isNull();
        assertThat(j.progressItems()).isNull();
      });
      UUID held = page.jobs().stream().filter(j -> "held".equals(j.uniqueKey())).findFirst().orElseThrow().id();
      var dup = gantry.enqueue("new", null, JobOptions.defaults().withUniqueKey("held"));
      assertThat(dup.duplicate()).isTrue();
      assertThat(dup.id()).isEqualTo(held);
      assertThat(gantry.forTenant("acme").enqueue("new", null, JobOptions.defaults().withUniqueKey("held"))
          .duplicate()).as("another tenant's key space").isFalse();
    }
  }
}
