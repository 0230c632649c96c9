package dev.gantry.server.cli;

/** The exit codes of every {@code gantry} command, so scripts can tell failures apart. */
public final class ExitCodes {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** The command was understood but failed (database unreachable, demo ended unexpectedly ...). */
  public static final int FAILED = 1;
  /** The command line was wrong: unknown command or option, bad value, missing argument. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
