package dev.gantry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Small JDBC helpers shared by the adapters. */
final class Sql {
  private Sql() {}

  static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long queryLong(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void dropSchema(DataSource ds, String schema) throws SQLException {
    execute(ds, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** Every table of a schema with its total size (heap, indexes, toast). */
  static Map<String, Long> tableSizes(DataSource ds, String schema) throws SQLException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) "
             + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             + "WHERE n.nspname = '" + schema + "' AND c.relkind = 'r' ORDER BY 1")) {
      while (rs.next()) {
        sizes.put(rs.getString(1), rs.getLong(2));
        sizes.put(rs.getString(1) + " (indexes)", rs.getLong(3));
      }
    }
    return sizes;
  }
}
