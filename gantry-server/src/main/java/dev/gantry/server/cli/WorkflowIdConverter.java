package dev.gantry.server.cli;

import java.util.UUID;
import picocli.CommandLine.ITypeConverter;

/** Reads a workflow id, so a mistyped one is a usage error (exit 2) rather than a lookup that finds nothing. */
final class WorkflowIdConverter implements ITypeConverter<UUID> {
  @Override
  public UUID convert(String value) {
    return JobIdConverter.parse(value, "workflow");
  }
}
