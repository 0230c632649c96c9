package dev.gantry.server.database;

/**
 * The database could not be started or reached. The message is written for the person running
 * Gantry: it says which database, what went wrong and, where there is one, what to do; it never
 * contains a password.
 */
public class DatabaseException extends RuntimeException {
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
