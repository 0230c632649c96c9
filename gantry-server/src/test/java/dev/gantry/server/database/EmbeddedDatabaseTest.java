package dev.gantry.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
  record Note(String text) {}

  @TempDir
  Path temp;

  @Test
  void jobsSurviveAStopAndStartOnTheSameDataDirectory() {
    Path data = temp.resolve("pgdata");
    UUID id;
    try (EmbeddedDatabase first = EmbeddedDatabase.start(data)) {
      assertThat(first.created()).isTrue();
      try (HikariDataSource pool = TestDatabase.pool(first.jdbcUrl(), 4);
          Gantry gantry = Gantry.builder(pool).build()) {
        id = gantry.enqueue("note.keep", new Note("still here after a restart")).id();
      }
    }

    try (EmbeddedDatabase second = EmbeddedDatabase.start(data)) {
      assertThat(second.created()).isFalse();
      try (HikariDataSource pool = TestDatabase.pool(second.jdbcUrl(), 4);
          Gantry gantry = Gantry.builder(pool).build()) {
        Job job = gantry.job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.args().get("text").asText()).isEqualTo("still here after a restart");
      }
    }
    assertThat(EmbeddedDatabase.logFile(data)).isRegularFile();
  }

  @Test
  void everyCommitIsFlushedToDiskBeforeItIsAcknowledged() throws Exception {
    // The embedded library turns synchronous_commit off by default; an acknowledged enqueue
    // must survive a crash of the database, so Gantry turns it back on.
    try (EmbeddedDatabase database = EmbeddedDatabase.start(temp.resolve("pgdata"));
        HikariDataSource pool = TestDatabase.pool(database.jdbcUrl(), 1);
        var c = pool.getConnection();
        var rs = c.createStatement().executeQuery(
            "SELECT current_setting('synchronous_commit'), current_setting('fsync')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("on");
      assertThat(rs.getString(2)).isEqualTo("on");
    }
  }

  @Test
  void aDataDirectoryIsUsedByOneServerAtATime() {
    Path data = temp.resolve("pgdata");
    try (EmbeddedDatabase running = EmbeddedDatabase.start(data)) {
      assertThat(running.port()).isPositive();
      assertThatThrownBy(() -> EmbeddedDatabase.start(data))
          .isInstanceOf(DatabaseException.class)
          .hasMessageContaining("is in use by another Gantry process");
    }
  }

  @Test
  void aFolderHoldingSomethingElseIsNotTouched() throws Exception {
    Path data = Files.createDirectories(temp.resolve("documents"));
    Files.writeString(data.resolve("thesis.txt"), "precious");

    assertThatThrownBy(() -> EmbeddedDatabase.start(data))
        .isInstanceOf(DatabaseException.class)
        .hasMessageContaining("not empty and holds no PostgreSQL database");
    assertThat(data.resolve("thesis.txt")).hasContent("precious");
  }

  @Test
  void databaseSourceStartsTheEmbeddedDatabaseWhenNoUrlIsSet() throws Exception {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATA_DIR", "db"), temp);

    try (DatabaseSource database = DatabaseSource.open(config);
        var c = database.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT current_setting('data_directory')")) {
      assertThat(database.isEmbedded()).isTrue();
      assertThat(database.description()).contains(temp.resolve("db").toString());
      rs.next();
      assertThat(Path.of(rs.getString(1)).toRealPath()).isEqualTo(temp.resolve("db").toRealPath());
    }
  }
}
