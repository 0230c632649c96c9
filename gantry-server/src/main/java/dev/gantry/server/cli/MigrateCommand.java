package dev.gantry.server.cli;

import dev.gantry.Gantry;
import dev.gantry.schema.Migrator;
import dev.gantry.server.database.DatabaseSource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry migrate}: creates or upgrades Gantry's tables, or with {@code --print} writes the
 * SQL for teams that review and apply schema changes themselves.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Creates or upgrades Gantry's tables in the database.",
    description = {
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set. "
            + "With --print, writes the full SQL to stdout instead and touches no database.",
        ""})
public final class MigrateCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Option(names = "--schema", paramLabel = "NAME", defaultValue = "gantry", converter = SchemaNameConverter.class,
      description = "The schema for Gantry's tables (default: ${DEFAULT-VALUE}).")
  private String schema;

  @Option(names = "--print", description = "Print the migration SQL instead of applying it.")
  private boolean print;

  MigrateCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (print) {
      out.print(Gantry.migrationScript(schema));
      out.flush();
      return ExitCodes.OK;
    }
    try (DatabaseSource database = DatabaseSource.open(environment.databaseConfig())) {
      List<Integer> applied = new Migrator(schema).migrate(database.dataSource());
      if (applied.isEmpty()) {
        out.println("Schema " + schema + " is up to date; no migrations to apply (" + database.description() + ").");
      } else {
        out.println("Applied migration" + (applied.size() == 1 ? " " : "s ") + applied + " to schema " + schema
            + " (" + database.description() + ").");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
