package dev.gantry.server.cli;

import picocli.CommandLine.Option;

/** The {@code --schema} option of the commands that work on Gantry's tables; a picocli mixin. */
final class SchemaOption {
  @Option(names = "--schema", paramLabel = "NAME", defaultValue = "gantry", converter = SchemaNameConverter.class,
      description = "The schema of Gantry's tables (default: ${DEFAULT-VALUE}).")
  String schema;
}
