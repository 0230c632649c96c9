package dev.gantry.server.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a PostgreSQL left running on a data folder by a Gantry process that was killed: the
 * embedded server runs as a separate process, and {@code kill -9} (or a crash) skips the shutdown
 * hook that stops it, so it would keep the folder busy and the next start would fail.
 *
 * <p>It only touches a process that is certainly that: the pid written in the folder's
 * {@code postmaster.pid}, a {@code postgres} executable started with {@code -D <this folder>},
 * while no other process holds the folder's {@code epg-lock} (which a running Gantry holds for as
 * long as it uses the folder).
 */
final class OrphanedPostgres {
  private static final Logger log = LoggerFactory.getLogger(OrphanedPostgres.class);
  private static final long STOP_TIMEOUT_SECONDS = 30;

  private OrphanedPostgres() {}

  /**
   * Stops the orphaned server on this folder, if there is one, and waits until it has exited.
   * Call only for a folder this JVM is not using itself (see {@link EmbeddedDatabase}).
   *
   * @throws DatabaseException if it does not stop in time
   */
  static void stopIfAny(Path dataDirectory) {
    Optional<ProcessHandle> orphan = serverOn(dataDirectory).filter(server -> !lockedByAnotherProcess(dataDirectory));
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle server = orphan.get();
    log.warn("Stopping the PostgreSQL (pid {}) left running on {} by a Gantry process that did not shut down",
        server.pid(), dataDirectory);
    // SIGTERM: PostgreSQL's "smart" shutdown. Its clients died with the killed process, so it
    // ends at once, after a clean checkpoint.
    server.destroy();
    try {
      server.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new DatabaseException("the PostgreSQL (pid " + server.pid() + ") left running on " + dataDirectory
          + " did not stop within " + STOP_TIMEOUT_SECONDS + " s; stop it and try again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted while stopping the PostgreSQL left running on " + dataDirectory, e);
    }
  }

  /** The live postgres process named in the folder's postmaster.pid and serving this folder, if any. */
  private static Optional<ProcessHandle> serverOn(Path dataDirectory) {
    long pid;
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      pid = Long.parseLong(lines.get(0).strip());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // no server ran here, or it stopped cleanly and removed the file
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> servesFolder(p, dataDirectory));
  }

  /** Whether the process is a postgres server for this folder (not some process that reused the pid). */
  private static boolean servesFolder(ProcessHandle process, Path dataDirectory) {
    ProcessHandle.Info info = process.info();
    boolean isPostgres = info.command()
        .map(command -> Path.of(command).getFileName().toString().matches("postgres(\\.exe)?"))
        .orElse(false);
    boolean onFolder = info.arguments()
        .map(arguments -> Arrays.asList(arguments).contains(dataDirectory.toString()))
        .orElse(false);
    return isPostgres && onFolder;
  }

  /**
   * Whether a running Gantry (in another process) holds the folder's lock file. The lock is a
   * POSIX record lock, so it disappears with the process that held it, killed or not.
   */
  private static boolean lockedByAnotherProcess(Path dataDirectory) {
    Path lockFile = dataDirectory.resolve(EmbeddedDatabase.LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (IOException | OverlappingFileLockException e) {
      // Cannot tell, or this very JVM holds it: leave the server alone; starting will report the folder as busy.
      return true;
    }
  }
}
