package dev.gantry.server.cli;

import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and an exit code: command-line mistakes exit with
 * {@link ExitCodes#USAGE} and point to {@code --help}; failures while running exit with
 * {@link ExitCodes#FAILED}. The stack trace of a failure is logged at DEBUG only, because the
 * person at the terminal needs the reason, not the call chain.
 */
public final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ErrorReporter.class);

  /** Bad command line: {@code gantry demo: Unknown option: '--x' (see 'gantry demo --help')}. */
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    PrintWriter err = command.getErr();
    err.println(name + ": " + oneLine(e.getMessage()) + " (see '" + name + " --help')");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Failure while running: {@code gantry migrate: cannot connect to ...}. */
  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    log.debug("{} failed", command.getCommandSpec().qualifiedName(), e);
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + reason(e));
    err.flush();
    return ExitCodes.FAILED;
  }

  /** The message people can act on; the class name only when there is no message (a bug, then). */
  static String reason(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "unexpected " + e.getClass().getName() + (e.getCause() == null ? "" : " (" + reason(e.getCause()) + ")");
    }
    return oneLine(message);
  }

  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
