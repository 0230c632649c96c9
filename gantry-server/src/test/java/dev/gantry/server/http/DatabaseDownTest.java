package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.server.cli.ServerCommand;
import dev.gantry.server.database.DatabaseConfig;
import dev.gantry.server.database.DatabaseSource;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server as {@code gantry server} opens its database, which then goes away: requests must
 * learn it within the server's database timeout, not after the pool's default 30 seconds.
 */
class DatabaseDownTest {
  /** The server's timeout, plus room for a busy machine; far under the pool's default 30 s. */
  private static final Duration PROMPTLY = ServerCommand.DEFAULT_DATABASE_TIMEOUT.plusSeconds(7);

  @Test
  void aDatabaseThatGoesAwayIs503WithRetryAfterWithinTheDatabaseTimeout() throws Exception {
    URI db = URI.create(TestDatabase.get().jdbcUrl().substring("jdbc:".length()));
    try (TcpRelay relay = TcpRelay.to(db.getHost(), db.getPort())) {
      String url = "jdbc:postgresql://127.0.0.1:" + relay.port() + db.getRawPath()
          + (db.getRawQuery() == null ? "" : "?" + db.getRawQuery());
      DatabaseConfig config = DatabaseConfig.fromEnvironment(Map.of(DatabaseConfig.URL_VARIABLE, url), Path.of("unused"))
          .withConnectionTimeout(ServerCommand.DEFAULT_DATABASE_TIMEOUT);
      try (DatabaseSource database = DatabaseSource.open(config);
          TestServer t = TestServer.start(database.dataSource(), s -> s)) {
        assertThat(t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"}").status()).isEqualTo(201);
        assertThat(t.get("/health/ready", null).status()).isEqualTo(200);

        relay.close();
        // The pool's idle connections died with the relay, but one used within the last half
        // second is lent without a check and fails at once: a database that is down for longer
        // has no connections left in the pool, so every request waits for a new one.
        database.dataSource().unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
        long start = System.nanoTime();
        Reply enqueue = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"}");
        Duration enqueueTook = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        Reply ready = t.get("/health/ready", null);
        Duration readyTook = Duration.ofNanos(System.nanoTime() - start);

        for (Reply r : new Reply[] {enqueue, ready}) {
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.header("Retry-After")).isEqualTo(Integer.toString(Problems.RETRY_AFTER_SECONDS));
          assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:unavailable");
        }
        assertThat(enqueueTook).isLessThan(PROMPTLY);
        assertThat(readyTook).isLessThan(PROMPTLY);
        assertThat(t.get("/health/live", null).status()).isEqualTo(200);
      }
    }
  }
}
