package dev.gantry.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises one logger's level until {@link #close()}, which restores it. Works when SLF4J logs
 * through Logback (as in the runnable jar); with any other binding it does nothing.
 */
public final class LogLevelOverride implements AutoCloseable {
  private final Logger logger;
  private final Level previous;

  private LogLevelOverride(Logger logger, Level level) {
    this.logger = logger;
    this.previous = logger == null ? null : logger.getLevel();
    if (logger != null) {
      logger.setLevel(level);
    }
  }

  /** Logs only messages of {@code level} and above from {@code loggerName} until closed. */
  public static LogLevelOverride raise(String loggerName, Level level) {
    org.slf4j.Logger logger = LoggerFactory.getLogger(loggerName);
    return new LogLevelOverride(logger instanceof Logger logback ? logback : null, level);
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(previous); // null again means "inherit from the parent", as before
    }
  }
}
