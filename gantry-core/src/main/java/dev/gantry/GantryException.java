package dev.gantry;

/**
 * A failure talking to the database, or a request Gantry cannot carry out. The message says
 * what was being done; the cause, where there is one, is the underlying {@link java.sql.SQLException}.
 */
public class GantryException extends RuntimeException {
  public GantryException(String message) {
    super(message);
  }

  public GantryException(String message, Throwable cause) {
    super(message, cause);
  }
}
