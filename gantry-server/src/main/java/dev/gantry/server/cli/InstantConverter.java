package dev.gantry.server.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an instant in ISO 8601 with an offset ({@code 2026-11-23T10:00:00Z},
 * {@code 2026-11-23T11:00:00+01:00}); a time without an offset is refused rather than read in
 * the machine's zone, which may not be the database's or the reader's.
 */
final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return OffsetDateTime.parse(value.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "expected an ISO-8601 instant with an offset, such as 2026-11-23T10:00:00Z or 2026-11-23T11:00:00+01:00, got: " + value);
    }
  }
}
