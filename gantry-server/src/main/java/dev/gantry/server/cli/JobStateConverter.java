package dev.gantry.server.cli;

import dev.gantry.job.JobState;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a job state by its name as the database and the JSON output spell it ({@code dead}, {@code available} ...). */
final class JobStateConverter implements ITypeConverter<JobState> {
  static final String STATES = Arrays.stream(JobState.values()).map(JobState::dbName).collect(Collectors.joining(", "));

  @Override
  public JobState convert(String value) {
    for (JobState state : JobState.values()) {
      if (state.dbName().equals(value.strip().toLowerCase(Locale.ROOT))) {
        return state;
      }
    }
    throw new TypeConversionException("expected one of " + STATES + ", got: " + value);
  }
}
