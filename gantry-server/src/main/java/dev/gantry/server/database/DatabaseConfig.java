package dev.gantry.server.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Which database Gantry uses, as decided by the environment: the PostgreSQL named by
 * {@value #URL_VARIABLE}, or else an embedded PostgreSQL whose data is kept in
 * {@value #DATA_DIR_VARIABLE} (default {@code .gantry/pgdata} under the working directory).
 *
 * @param url the external database, or null to use the embedded one
 * @param dataDirectory where the embedded database keeps its files (unused when {@code url} is set)
 * @param poolSize the most connections Gantry opens
 * @param connectionTimeout how long a borrower waits for a pooled connection before getting an
 *     {@link java.sql.SQLTransientConnectionException}, which is also how long a request takes to
 *     learn that the database is unreachable
 */
public record DatabaseConfig(DatabaseUrl url, Path dataDirectory, int poolSize, Duration connectionTimeout) {
  /** A JDBC or {@code postgres://} URL of the database to use instead of the embedded one. */
  public static final String URL_VARIABLE = "GANTRY_DATABASE_URL";
  /** The folder for the embedded database's files. */
  public static final String DATA_DIR_VARIABLE = "GANTRY_DATA_DIR";
  /** Where the embedded database's files go by default, under the working directory. */
  public static final Path DEFAULT_DATA_DIRECTORY = Path.of(".gantry", "pgdata");
  /** Enough for a worker's own threads plus a few dozen handlers reporting progress at once. */
  public static final int DEFAULT_POOL_SIZE = 20;
  /**
   * The pool's own default: commands that run to an end (demo, migrate) would rather ride out a
   * short database restart than fail; the server sets a shorter one, see {@link #withConnectionTimeout}.
   */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
  /** The pool refuses less (HikariCP's floor is 250 ms); under a second every hiccup would fail requests. */
  public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofMinutes(10);

  public DatabaseConfig {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    if (poolSize < 2) {
      // Gantry keeps one connection for LISTEN; with only that one nothing else could run.
      throw new IllegalArgumentException("poolSize must be at least 2, got " + poolSize);
    }
    if (connectionTimeout == null || connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0
        || connectionTimeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException("connection timeout must be between 1s and 10m, got " + connectionTimeout);
    }
  }

  /** With {@link #DEFAULT_CONNECTION_TIMEOUT}. */
  public DatabaseConfig(DatabaseUrl url, Path dataDirectory, int poolSize) {
    this(url, dataDirectory, poolSize, DEFAULT_CONNECTION_TIMEOUT);
  }

  /**
   * The same database with another connection timeout.
   *
   * @throws IllegalArgumentException if it is under 1 second or over 10 minutes
   */
  public DatabaseConfig withConnectionTimeout(Duration connectionTimeout) {
    return new DatabaseConfig(url, dataDirectory, poolSize, connectionTimeout);
  }

  /**
   * Reads the configuration from environment variables; relative paths are taken from the
   * working directory.
   *
   * @throws IllegalArgumentException if {@value #URL_VARIABLE} is set but is not a PostgreSQL URL
   */
  public static DatabaseConfig fromEnvironment(Map<String, String> environment, Path workingDirectory) {
    String url = environment.get(URL_VARIABLE);
    DatabaseUrl databaseUrl = null;
    if (url != null && !url.isBlank()) {
      try {
        databaseUrl = DatabaseUrl.parse(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(URL_VARIABLE + " is not usable: " + e.getMessage(), e);
      }
    }
    String dataDir = environment.get(DATA_DIR_VARIABLE);
    Path dataDirectory = dataDir == null || dataDir.isBlank() ? DEFAULT_DATA_DIRECTORY : Path.of(dataDir);
    return new DatabaseConfig(databaseUrl, workingDirectory.resolve(dataDirectory).toAbsolutePath().normalize(),
        DEFAULT_POOL_SIZE);
  }

  /** True when no external database is configured and the embedded one is used. */
  public boolean embedded() {
    return url == null;
  }
}
