package dev.gantry.server.http;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that cannot be reached (the client should retry: 503) from a statement that
 * failed (a bug or a conflict: not the client's to retry blindly).
 */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /**
   * True if the failure, or any of its causes, says the database could not be reached or
   * refused connections: no connection from the pool in time, a broken connection, the server
   * shutting down, starting up or out of connection slots.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException e && e.getSQLState() != null) {
        String state = e.getSQLState();
        // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect
        // now; 53300: too many connections.
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
            || state.equals("53300")) {
          return true;
        }
      }
    }
    return false;
  }
}
