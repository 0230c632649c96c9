package dev.gantry.server.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates command objects for picocli. A command with a constructor taking a
 * {@link CliEnvironment} gets the CLI's environment that way; anything else (converters, version
 * providers, commands without that constructor) is made by picocli's default factory.
 */
public final class CommandFactory implements CommandLine.IFactory {
  private final CliEnvironment environment;

  public CommandFactory(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    Constructor<K> withEnvironment;
    try {
      withEnvironment = type.getDeclaredConstructor(CliEnvironment.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(type);
    }
    withEnvironment.setAccessible(true);
    return withEnvironment.newInstance(environment);
  }
}
