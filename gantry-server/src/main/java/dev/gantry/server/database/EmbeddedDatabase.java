package dev.gantry.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process (zonky's embedded PostgreSQL binaries), for trying
 * Gantry out and for development: no database to install. Its files live in one folder and are
 * kept across restarts, so jobs survive a stop. It listens on a free port on localhost only, and
 * is stopped by {@link #close()} or, failing that, when the JVM exits. A server left running by
 * a Gantry process that was killed is stopped before starting again ({@link OrphanedPostgres}).
 *
 * <p>PostgreSQL's own output goes to a log file next to the data folder ({@code pgdata.log} for
 * {@code pgdata}), where it does not clutter the terminal but can be read when something fails.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  /** Present in every initialised PostgreSQL data folder (and how zonky decides whether to run initdb). */
  private static final String CONFIG_FILE = "postgresql.conf";
  /** The file zonky locks in the data folder while its server runs there. */
  static final String LOCK_FILE = "epg-lock";
  /**
   * Folders this JVM is running a server on. Checked before anything touches the lock file:
   * closing any channel to a locked file would drop this JVM's lock on it (POSIX lock semantics).
   */
  private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final boolean created;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, boolean created) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.created = created;
  }

  /**
   * Starts PostgreSQL on the given data folder, creating the database there first if the folder
   * is missing or empty.
   *
   * @throws DatabaseException if the folder holds something other than a PostgreSQL database, is
   *     in use by another process, or PostgreSQL does not start
   */
  public static EmbeddedDatabase start(Path dataDirectory) {
    Path dir = dataDirectory.toAbsolutePath().normalize();
    if (!IN_USE.add(dir)) {
      throw new DatabaseException(inUse(dir), null);
    }
    try {
      return startOn(dir);
    } catch (RuntimeException e) {
      IN_USE.remove(dir);
      throw e;
    }
  }

  private static EmbeddedDatabase startOn(Path dir) {
    boolean create = !Files.exists(dir.resolve(CONFIG_FILE));
    if (create && !isMissingOrEmpty(dir)) {
      throw new DatabaseException("cannot create the embedded database in " + dir
          + ": the folder is not empty and holds no PostgreSQL database; empty it or point "
          + DatabaseConfig.DATA_DIR_VARIABLE + " at another folder", null);
    }
    if (!create) {
      OrphanedPostgres.stopIfAny(dir);
    }
    Path logFile = logFile(dir);
    try {
      Files.createDirectories(dir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false) // the data is the point: keep it when we stop
          // The library, made for tests, starts PostgreSQL with fsync and synchronous_commit off,
          // which can lose acknowledged commits (or corrupt the data) when the machine crashes.
          // An acknowledged job must never be lost; these options come after its -F, so they win.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
      EmbeddedDatabase database = new EmbeddedDatabase(postgres, dir, create);
      log.info("Using embedded PostgreSQL on localhost:{} with data in {}{}", postgres.getPort(), dir,
          create ? " (created now)" : "");
      return database;
    } catch (IOException | RuntimeException e) {
      throw new DatabaseException(startFailure(dir, logFile, e), e);
    }
  }

  private static boolean isMissingOrEmpty(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  private static String startFailure(Path dir, Path logFile, Exception e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // zonky locks the folder's epg-lock file while its server runs there.
    if (reason.contains("could not lock")) {
      return inUse(dir);
    }
    return "could not start the embedded PostgreSQL in " + dir + " (" + reason + "); see " + logFile
        + ". If an earlier Gantry was killed, its PostgreSQL may still be running: stop the process whose id is in "
        + dir.resolve("postmaster.pid");
  }

  private static String inUse(Path dir) {
    return "the embedded database in " + dir + " is in use by another Gantry process; stop that one or point "
        + DatabaseConfig.DATA_DIR_VARIABLE + " at another folder";
  }

  /** Where PostgreSQL's output goes: {@code <data folder>.log}, beside the folder (initdb needs the folder empty). */
  static Path logFile(Path dataDirectory) {
    return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
  }

  /** A JDBC URL for the {@code postgres} database as the {@code postgres} superuser. */
  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** True when this start created the database (the folder was missing or empty). */
  public boolean created() {
    return created;
  }

  /** Stops PostgreSQL, leaving its files in place. */
  @Override
  public void close() {
    try {
      postgres.close();
      log.info("Stopped the embedded PostgreSQL (data kept in {})", dataDirectory);
    } catch (IOException e) {
      log.warn("Stopping the embedded PostgreSQL in {} failed: {}", dataDirectory, e.getMessage());
    } finally {
      IN_USE.remove(dataDirectory);
    }
  }
}
