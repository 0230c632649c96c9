package dev.gantry.server.cli;

import dev.gantry.schema.Migrator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks a {@code --schema} value when the command line is read, so a bad name is a usage error
 * (exit 2) rather than a failure half-way through a command.
 */
public final class SchemaNameConverter implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    try {
      new Migrator(value); // validates the name with the same rule as every other Gantry entry point
      return value;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
