package dev.gantry.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {
  private static final Path WORKING_DIRECTORY = Path.of("/srv/app");

  @Test
  void withoutUrlTheEmbeddedDatabaseKeepsItsDataUnderTheWorkingDirectory() {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(Map.of(), WORKING_DIRECTORY);

    assertThat(config.embedded()).isTrue();
    assertThat(config.dataDirectory()).isEqualTo(Path.of("/srv/app/.gantry/pgdata"));
  }

  @Test
  void dataDirectoryCanBeMovedRelativelyOrAbsolutely() {
    assertThat(DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATA_DIR", "data/pg"), WORKING_DIRECTORY).dataDirectory())
        .isEqualTo(Path.of("/srv/app/data/pg"));
    assertThat(DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATA_DIR", "/var/lib/gantry"), WORKING_DIRECTORY).dataDirectory())
        .isEqualTo(Path.of("/var/lib/gantry"));
  }

  @Test
  void urlSelectsTheExternalDatabase() {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(
        Map.of("GANTRY_DATABASE_URL", "postgres://app:pw@db:5432/jobs"), WORKING_DIRECTORY);

    assertThat(config.embedded()).isFalse();
    assertThat(config.url().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/jobs");
  }

  @Test
  void blankUrlMeansNotSet() {
    assertThat(DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATABASE_URL", "  "), WORKING_DIRECTORY).embedded()).isTrue();
  }

  @Test
  void unusableUrlNamesTheVariable() {
    assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of("GANTRY_DATABASE_URL", "localhost:5432"), WORKING_DIRECTORY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GANTRY_DATABASE_URL is not usable: ");
  }

  @Test
  void theConnectionTimeoutDefaultsToThePoolsAndMayBeShortenedWithinBounds() {
    DatabaseConfig config = DatabaseConfig.fromEnvironment(Map.of(), WORKING_DIRECTORY);

    assertThat(config.connectionTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(config.withConnectionTimeout(java.time.Duration.ofSeconds(5)).connectionTimeout())
        .isEqualTo(java.time.Duration.ofSeconds(5));
    assertThatThrownBy(() -> config.withConnectionTimeout(java.time.Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection timeout must be between 1s and 10m, got PT0.5S");
    assertThatThrownBy(() -> config.withConnectionTimeout(java.time.Duration.ofMinutes(11)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
