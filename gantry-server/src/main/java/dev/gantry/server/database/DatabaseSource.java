package dev.gantry.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database Gantry runs on, opened as {@link DatabaseConfig} says: a connection pool on the
 * external PostgreSQL, or an {@link EmbeddedDatabase} started first and a pool on it.
 * {@link #close()} closes the pool and stops the embedded server, if there is one. A borrower
 * waits at most {@link DatabaseConfig#connectionTimeout()} for a connection, then gets an
 * {@link java.sql.SQLTransientConnectionException}.
 *
 * <pre>{@code
 * try (DatabaseSource database = DatabaseSource.open(DatabaseConfig.fromEnvironment(System.getenv(), cwd))) {
 *   Gantry gantry = Gantry.builder(database.dataSource()).build();
 *   ...
 * }
 * }</pre>
 */
public final class DatabaseSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseSource.class);
  /** HikariCP's default. */
  private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(5);

  private final HikariDataSource pool;
  private final EmbeddedDatabase embedded;
  private final String description;

  private DatabaseSource(HikariDataSource pool, EmbeddedDatabase embedded, String description) {
    this.pool = pool;
    this.embedded = embedded;
    this.description = description;
  }

  /**
   * Starts or connects to the configured database and checks that it answers.
   *
   * @throws DatabaseException if it cannot be started or reached; nothing is left running then
   */
  public static DatabaseSource open(DatabaseConfig config) {
    if (!config.embedded()) {
      DatabaseUrl url = config.url();
      String version = checkConnection(url);
      log.info("Using PostgreSQL {} at {}", version, url.redacted());
      return new DatabaseSource(pool(url, config), null, "PostgreSQL at " + url.redacted());
    }
    EmbeddedDatabase embedded = EmbeddedDatabase.start(config.dataDirectory());
    try {
      DatabaseUrl url = new DatabaseUrl(embedded.jdbcUrl(), null, null);
      checkConnection(url);
      return new DatabaseSource(pool(url, config), embedded,
          "embedded PostgreSQL with data in " + embedded.dataDirectory());
    } catch (RuntimeException e) {
      embedded.close();
      throw e;
    }
  }

  /**
   * Opens and closes one plain connection, so that an unreachable database is reported in one
   * clear sentence (the pool would log a stack trace and retry first).
   *
   * @return the server's version, for the log
   */
  private static String checkConnection(DatabaseUrl url) {
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), properties)) {
      DatabaseMetaData meta = c.getMetaData();
      return meta.getDatabaseProductVersion();
    } catch (SQLException e) {
      throw new DatabaseException("cannot connect to " + url.redacted() + ": " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static HikariDataSource pool(DatabaseUrl url, DatabaseConfig settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    if (url.password() != null) {
      config.setPassword(url.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    // The pool checks a connection idle for a while before lending it; that check must fit in
    // the borrower's wait, or a dead database would hold borrowers past the timeout.
    config.setValidationTimeout(Math.min(settings.connectionTimeout().toMillis() / 2, VALIDATION_TIMEOUT.toMillis()));
    config.setMinimumIdle(2);
    config.setPoolName("gantry");
    return new HikariDataSource(config);
  }

  /** Pooled connections to the database. */
  public DataSource dataSource() {
    return pool;
  }

  /** Which database this is, for people: never contains a password. */
  public String description() {
    return description;
  }

  /** True when the database is the embedded one this process started. */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /** Closes the pool, then stops the embedded database if this process started one. */
  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
