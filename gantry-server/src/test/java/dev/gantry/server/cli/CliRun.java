package dev.gantry.server.cli;

import dev.gantry.server.GantryCli;
import dev.gantry.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** One in-process run of the {@code gantry} command line, with what it printed. */
record CliRun(int exitCode, String out, String err) {
  /** Runs the CLI against the test database. */
  static CliRun onTestDatabase(String... args) {
    return withEnvironment(Map.of("GANTRY_DATABASE_URL", TestDatabase.get().jdbcUrl()), args);
  }

  static CliRun withEnvironment(Map<String, String> variables, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // A working directory outside the project, so that nothing is written into the worktree by accident.
    CliEnvironment environment = new CliEnvironment(variables, Path.of("/nonexistent-gantry-test-dir"));
    int exitCode = GantryCli.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
