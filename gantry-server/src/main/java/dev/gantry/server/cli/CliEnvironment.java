package dev.gantry.server.cli;

import dev.gantry.server.database.DatabaseConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands read from the world outside their arguments: environment variables and the
 * working directory. Passed in rather than read from {@link System} so that tests can run the
 * CLI in-process against their own database.
 */
public record CliEnvironment(Map<String, String> variables, Path workingDirectory) {
  public CliEnvironment {
    variables = Map.copyOf(variables);
    workingDirectory = workingDirectory.toAbsolutePath();
  }

  /** This process's environment variables and working directory. */
  public static CliEnvironment system() {
    return new CliEnvironment(System.getenv(), Path.of(""));
  }

  /** The database configuration these variables describe; see {@link DatabaseConfig#fromEnvironment}. */
  public DatabaseConfig databaseConfig() {
    return DatabaseConfig.fromEnvironment(variables, workingDirectory);
  }
}
