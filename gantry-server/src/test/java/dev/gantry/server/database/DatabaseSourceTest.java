package dev.gantry.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseSourceTest {
  @Test
  void connectsToTheDatabaseNamedByTheUrl() throws Exception {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(
        Map.of("GANTRY_DATABASE_URL", TestDatabase.get().jdbcUrl()), Path.of("unused"));

    try (DatabaseSource database = DatabaseSource.open(config);
        Connection c = database.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT 41 + 1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(42);
      assertThat(database.isEmbedded()).isFalse();
      assertThat(database.description()).startsWith("PostgreSQL at jdbc:postgresql://");
    }
  }

  @Test
  void acceptsThePostgresUrlForm() throws Exception {
    // The test database's JDBC URL, rewritten as postgres://user@host:port/db.
    URI jdbc = URI.create(TestDatabase.get().jdbcUrl().substring("jdbc:".length()));
    assumeTrue(jdbc.getQuery() != null && jdbc.getQuery().matches("user=[A-Za-z0-9_]+"),
        "needs a test database URL whose only parameter is the user");
    String user = jdbc.getQuery().substring("user=".length());
    String url = "postgres://" + user + "@" + jdbc.getHost() + ":" + jdbc.getPort() + jdbc.getPath();

    try (DatabaseSource database = DatabaseSource.open(
            DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATABASE_URL", url), Path.of("unused")));
        Connection c = database.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(user);
    }
  }

  @Test
  void anUnreachableDatabaseIsOneClearSentenceWithoutThePassword() {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(
        Map.of("GANTRY_DATABASE_URL", "postgres://app:s3cret@127.0.0.1:1/jobs"), Path.of("unused"));

    assertThatThrownBy(() -> DatabaseSource.open(config))
        .isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("cannot connect to jdbc:postgresql://127.0.0.1:1/jobs (user app): ")
        .hasMessageNotContaining("s3cret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
