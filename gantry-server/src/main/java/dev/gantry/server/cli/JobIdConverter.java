package dev.gantry.server.cli;

import java.util.UUID;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a job id, so a mistyped one is a usage error (exit 2) rather than a lookup that finds nothing. */
final class JobIdConverter implements ITypeConverter<UUID> {
  @Override
  public UUID convert(String value) {
    return parse(value, "job");
  }

  /** A full UUID, or a usage error naming what it should have been the id of. */
  static UUID parse(String value, String of) {
    String id = value.strip();
    // UUID.fromString also takes shortened forms such as 1-2-3-4-5; ids are always printed in full.
    if (id.length() == 36) {
      try {
        return UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw notAnId(value, of);
      }
    }
    throw notAnId(value, of);
  }

  private static TypeConversionException notAnId(String value, String of) {
    return new TypeConversionException("not a " + of + " id (a UUID such as 01937c1e-8f4a-7d21-9b5e-0c3f6a1d2e4b): "
        + value);
  }
}
