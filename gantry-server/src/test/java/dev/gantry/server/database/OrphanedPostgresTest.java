package dev.gantry.server.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanedPostgresTest {
  @TempDir
  Path temp;

  /** Run in a child JVM: starts the embedded database, then dies without running shutdown hooks, as under kill -9. */
  public static final class KilledGantry {
    public static void main(String[] args) {
      EmbeddedDatabase.start(Path.of(args[0]));
      Runtime.getRuntime().halt(137);
    }
  }

  @Test
  void aServerLeftRunningByAKilledProcessIsStoppedAndTheFolderReused() throws Exception {
    Path data = temp.resolve("pgdata");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), KilledGantry.class.getName(), data.toString())
        .redirectErrorStream(true)
        .redirectOutput(temp.resolve("child.log").toFile())
        .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(child.exitValue()).as("child exit code; see child.log").isEqualTo(137);
    long orphanPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    Optional<ProcessHandle> orphan = ProcessHandle.of(orphanPid);
    try {
      assertThat(orphan).as("PostgreSQL outlived the killed process").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

      try (EmbeddedDatabase restarted = EmbeddedDatabase.start(data)) {
        assertThat(restarted.created()).isFalse();
        assertThat(orphan.get().isAlive()).isFalse();
        assertThat(Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip())).isNotEqualTo(orphanPid);
      }
    } finally {
      // If the test failed before the orphan was stopped, do not leave it running.
      orphan.filter(ProcessHandle::isAlive).ifPresent(p -> {
        p.destroy();
        p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
      });
    }
  }
}
