package dev.gantry.examples.support;

import dev.gantry.Gantry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The one database every test of this module uses ({@link ExampleDatabase}: embedded, started
 * once per test JVM, unless {@code GANTRY_DATABASE_URL} names one). Each test gets Gantry in a
 * schema of its own, so tests never see each other's jobs.
 */
public final class SharedDatabase {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static volatile ExampleDatabase instance;

  private SharedDatabase() {}

  public static DataSource dataSource() {
    if (instance == null) {
      synchronized (SharedDatabase.class) {
        if (instance == null) {
          ExampleDatabase db = ExampleDatabase.fromEnvironment(20);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              db.close();
            } catch (IOException e) {
              throw new UncheckedIOException("could not stop the test database", e);
            }
          }));
          instance = db;
        }
      }
    }
    return instance.dataSource();
  }

  /** Gantry on a fresh schema of the shared database (migrated). */
  public static Gantry newGantry() {
    String schema = "ex" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_" + SCHEMAS.incrementAndGet();
    return Gantry.builder(dataSource()).schema(schema).build();
  }
}
