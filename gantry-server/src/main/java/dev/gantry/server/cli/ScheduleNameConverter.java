package dev.gantry.server.cli;

import dev.gantry.schedule.ScheduleDefinition;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a schedule name, so a malformed one is a usage error (exit 2) rather than a lookup that finds nothing. */
final class ScheduleNameConverter implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    try {
      return ScheduleDefinition.requireName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("not a schedule name: " + e.getMessage().replaceFirst("^name: ", ""));
    }
  }
}
