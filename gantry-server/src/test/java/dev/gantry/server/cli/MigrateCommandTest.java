package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.schema.Migration;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {
  @Test
  void printWritesTheFullSchemaWithoutTouchingTheDatabase() {
    // No GANTRY_DATABASE_URL and no data folder: --print must not need either.
    CliRun run = CliRun.withEnvironment(java.util.Map.of(), "migrate", "--print", "--schema", "billing_jobs");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("BEGIN;")
        .contains("CREATE TABLE IF NOT EXISTS billing_jobs.schema_migrations")
        .contains("CREATE TABLE billing_jobs.jobs (")
        .contains("CREATE TABLE billing_jobs.finished_jobs (")
        .contains("CREATE TABLE billing_jobs.finished_counts (")
        .contains("INSERT INTO billing_jobs.schema_migrations (version, name) VALUES (1, 'jobs');")
        .contains("CREATE TABLE billing_jobs.api_keys (")
        .contains("INSERT INTO billing_jobs.schema_migrations (version, name) VALUES (3, 'api_keys');")
        .endsWith("COMMIT;\n");
  }

  @Test
  void printUsesTheDefaultSchemaGantry() {
    CliRun run = CliRun.withEnvironment(java.util.Map.of(), "migrate", "--print");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("CREATE TABLE gantry.jobs (");
  }

  @Test
  void migrateCreatesTheTablesOnceAndThenReportsUpToDate() {
    TestDatabase db = TestDatabase.get();
    String schema = db.newSchema();

    CliRun first = CliRun.onTestDatabase("migrate", "--schema", schema);
    CliRun second = CliRun.onTestDatabase("migrate", "--schema", schema);

    assertThat(first.exitCode()).isEqualTo(ExitCodes.OK);
    // Every migration this build ships, starting with 1 (the list grows as migrations are added).
    assertThat(first.out()).startsWith("Applied migrations " + new Migrator(schema).migrations().stream()
        .map(Migration::version).toList() + " to schema " + schema);
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema
        + "' AND table_name IN ('jobs', 'finished_jobs', 'finished_counts', 'schema_migrations')")).isEqualTo(4);
    assertThat(second.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(second.out()).startsWith("Schema " + schema + " is up to date");
  }
}
