package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every failure exits non-zero with one line on stderr that says why. */
class ExitCodesTest {
  @Test
  void helpAndVersionSucceed() {
    assertThat(CliRun.withEnvironment(Map.of(), "--help").exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(CliRun.withEnvironment(Map.of(), "--version").out()).startsWith("Gantry ");
    CliRun demoHelp = CliRun.withEnvironment(Map.of(), "demo", "--help");
    assertThat(demoHelp.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(demoHelp.out()).contains("Usage: gantry demo").contains("--jobs=N");
    CliRun migrateHelp = CliRun.withEnvironment(Map.of(), "migrate", "--help");
    assertThat(migrateHelp.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(migrateHelp.out()).contains("Usage: gantry migrate").contains("--print");
  }

  @Test
  void noCommandShowsTheUsageAndFails() {
    CliRun run = CliRun.withEnvironment(Map.of());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Usage: gantry").contains("demo").contains("migrate");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertUsageError(CliRun.withEnvironment(Map.of(), "deploy"), "gantry: Unmatched argument at index 0: 'deploy'");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertUsageError(CliRun.withEnvironment(Map.of(), "demo", "--fast"), "gantry demo: Unknown option: '--fast'");
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    assertUsageError(CliRun.withEnvironment(Map.of(), "demo", "--jobs", "lots"), "gantry demo: Invalid value for option '--jobs'");
    assertUsageError(CliRun.withEnvironment(Map.of(), "demo", "--jobs", "3"), "gantry demo: the demo needs between 10 and");
    assertUsageError(CliRun.withEnvironment(Map.of(), "migrate", "--schema", "Bad-Name"),
        "gantry migrate: Invalid value for option '--schema'");
  }

  @Test
  void theDemoRefusesToDropASchemaThatIsNotADemoSchema() {
    assertUsageError(CliRun.onTestDatabase("demo", "--schema", "gantry"), "gantry demo: the demo drops and recreates its schema");
  }

  @Test
  void anUnusableDatabaseUrlFailsWithOneLine() {
    CliRun run = CliRun.withEnvironment(Map.of("GANTRY_DATABASE_URL", "mysql://app:s3cret@localhost/jobs"), "migrate");

    assertFailure(run, "gantry migrate: GANTRY_DATABASE_URL is not usable: ");
    assertThat(run.err()).doesNotContain("s3cret");
  }

  @Test
  void anUnreachableDatabaseFailsWithOneLine() {
    CliRun run = CliRun.withEnvironment(Map.of("GANTRY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/jobs?user=app"), "migrate");

    assertFailure(run, "gantry migrate: cannot connect to jdbc:postgresql://127.0.0.1:1/jobs?user=app: ");
  }

  private static void assertUsageError(CliRun run, String start) {
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith(start).endsWith("--help')" + System.lineSeparator());
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.out()).isEmpty();
  }

  private static void assertFailure(CliRun run, String start) {
    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err()).startsWith(start);
    assertThat(run.err().lines()).hasSize(1);
  }
}
