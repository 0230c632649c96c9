package dev.gantry.server.cli;

import dev.gantry.Gantry;
import dev.gantry.server.database.DatabaseException;
import dev.gantry.server.database.DatabaseSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A {@link Gantry} on the database the environment names, for the commands that read and manage
 * jobs. It does not migrate: those commands may run as a role that can read and write jobs but not
 * change the schema, so a schema without Gantry's tables is reported with what to run instead.
 * {@link #close()} closes the Gantry instance and then the database.
 */
record CliGantry(DatabaseSource database, Gantry gantry) implements AutoCloseable {
  /**
   * Opens the database and checks that the schema has Gantry's tables.
   *
   * @throws DatabaseException if the database cannot be started or reached
   * @throws IllegalStateException if the schema has no Gantry tables (with the command to create them)
   */
  static CliGantry open(CliEnvironment environment, String schema) {
    DatabaseSource database = DatabaseSource.open(environment.databaseConfig());
    try {
      requireTables(database, schema);
      return new CliGantry(database, Gantry.builder(database.dataSource()).schema(schema).migrate(false).build());
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private static void requireTables(DatabaseSource database, String schema) {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, schema + ".jobs");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException("schema " + schema + " has no Gantry tables in " + database.description()
              + "; run 'gantry migrate" + ("gantry".equals(schema) ? "" : " --schema " + schema)
              + "' first, or name the right schema with --schema");
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot read schema " + schema + " in " + database.description() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      gantry.close();
    } finally {
      database.close();
    }
  }
}
