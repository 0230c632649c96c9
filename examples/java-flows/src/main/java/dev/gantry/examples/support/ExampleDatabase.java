package dev.gantry.examples.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;

/**
 * The PostgreSQL an example runs against: the database named by {@code GANTRY_DATABASE_URL} (a
 * JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/app?user=app&password=secret}), or else
 * an embedded PostgreSQL started for this process and deleted when it is closed.
 */
public final class ExampleDatabase implements AutoCloseable {
  /** The environment variable naming the database to use instead of an embedded one. */
  public static final String URL_VARIABLE = "GANTRY_DATABASE_URL";

  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final String description;

  private ExampleDatabase(EmbeddedPostgres embedded, String jdbcUrl, int poolSize, String description) {
    this.embedded = embedded;
    this.pool = pool(jdbcUrl, poolSize);
    this.description = description;
  }

  /**
   * Connects to {@code GANTRY_DATABASE_URL} if it is set, else starts an embedded PostgreSQL.
   *
   * @param poolSize connections in the pool: a worker holds one per queue slot while it writes, plus
   *     a few for claiming, completing, heartbeats and Gantry's notification listener
   * @throws UncheckedIOException if the embedded PostgreSQL cannot start
   */
  public static ExampleDatabase fromEnvironment(int poolSize) {
    String url = System.getenv(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      return new ExampleDatabase(null, url, poolSize, withoutCredentials(url));
    }
    EmbeddedPostgres pg;
    try {
      pg = EmbeddedPostgres.builder()
          // A throwaway database: durability would only slow every commit down.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL (set " + URL_VARIABLE
          + " to use another database)", e);
    }
    return new ExampleDatabase(pg, pg.getJdbcUrl("postgres", "postgres"), poolSize,
        "embedded PostgreSQL on port " + pg.getPort());
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Which database this is, for the programs' first line; never shows a password. */
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }

  private static HikariDataSource pool(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setPoolName("gantry-example");
    return new HikariDataSource(config);
  }

  /** The URL up to its query string, which is where a JDBC URL carries user and password. */
  private static String withoutCredentials(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
