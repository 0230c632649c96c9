package dev.gantry.server.cli;

import dev.gantry.enqueue.JobOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a tenant name, so a malformed one is a usage error (exit 2). */
final class TenantConverter implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    try {
      return JobOptions.requireTenant(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
