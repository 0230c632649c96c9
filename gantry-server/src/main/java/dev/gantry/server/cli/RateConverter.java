package dev.gantry.server.cli;

import dev.gantry.limits.Rate;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a rate as starts per period: {@code 60/1m}, {@code 10/1s}, {@code 5/500ms}, {@code 100/PT1H}. */
final class RateConverter implements ITypeConverter<Rate> {
  private final DurationConverter durations = new DurationConverter();

  @Override
  public Rate convert(String value) {
    int slash = value.indexOf('/');
    if (slash <= 0) {
      throw new TypeConversionException("expected starts per period such as 60/1m, 10/1s or 5/500ms, got: " + value);
    }
    int limit;
    try {
      limit = Integer.parseInt(value.substring(0, slash).strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("expected a whole number of starts before the '/', got: " + value);
    }
    Duration period = durations.convert(value.substring(slash + 1));
    try {
      return new Rate(limit, period);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
