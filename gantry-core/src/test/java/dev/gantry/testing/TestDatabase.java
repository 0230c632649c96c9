package dev.gantry.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The PostgreSQL the tests run against: the one named by {@code GANTRY_TEST_DATABASE_URL} (for
 * example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), or else an embedded
 * PostgreSQL started once per test JVM. Each test gets its own schema, so tests never see each
 * other's jobs or notifications.
 */
public final class TestDatabase {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static volatile TestDatabase instance;

  private final String jdbcUrl;
  private final HikariDataSource dataSource;

  private TestDatabase(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    this.dataSource = pool(jdbcUrl, 20);
  }

  public static TestDatabase get() {
    if (instance == null) {
      synchronized (TestDatabase.class) {
        if (instance == null) {
          instance = new TestDatabase(startOrConnect());
        }
      }
    }
    return instance;
  }

  private static String startOrConnect() {
    String url = System.getenv("GANTRY_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return url;
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the embedded server's folder is temporary
        }
      }));
      return pg.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  public static HikariDataSource pool(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setPoolName("gantry-test");
    return new HikariDataSource(config);
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** A fresh, empty schema name, unique in this database across test runs. */
  public String newSchema() {
    return "t" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_" + SCHEMAS.incrementAndGet();
  }

  /** A Gantry instance on a fresh schema (migrated). */
  public Gantry newGantry() {
    return Gantry.builder(dataSource).schema(newSchema()).build();
  }

  public void execute(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The database's clock now (clock_timestamp(), not the transaction's now()). */
  public java.time.Instant now() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The first column of every row, as strings. */
  public java.util.List<String> queryStrings(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      java.util.List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public long queryLong(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
