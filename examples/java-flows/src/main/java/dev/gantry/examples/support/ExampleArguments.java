package dev.gantry.examples.support;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The programs' command-line flags, each {@code --name=N} with a whole number.
 *
 * @param values the flags given, by name without the dashes
 */
public record ExampleArguments(Map<String, Integer> values) {
  public ExampleArguments {
    values = Map.copyOf(values);
  }

  /**
   * Reads {@code --name=N} flags.
   *
   * @param known the flag names the program takes
   * @throws IllegalArgumentException for an unknown flag or a value that is not a whole number ≥ 0
   */
  public static ExampleArguments parse(String[] args, Set<String> known) {
    Map<String, Integer> values = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name == null || !known.contains(name)) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; this program takes "
            + known.stream().sorted().map(k -> "--" + k + "=N").toList());
      }
      String text = arg.substring(eq + 1);
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " takes a whole number, got '" + text + "'", e);
      }
      if (value < 0) {
        throw new IllegalArgumentException("--" + name + " takes a whole number of 0 or more, got " + value);
      }
      values.put(name, value);
    }
    return new ExampleArguments(values);
  }

  public int get(String name, int defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
