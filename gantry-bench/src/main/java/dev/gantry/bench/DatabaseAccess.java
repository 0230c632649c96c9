package dev.gantry.bench;

import dev.gantry.server.database.DatabaseConfig;
import dev.gantry.server.database.DatabaseSource;
import dev.gantry.server.database.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The PostgreSQL every system runs against: {@code GANTRY_BENCH_DATABASE_URL} if set (a JDBC URL
 * or postgres:// URL), else an embedded PostgreSQL with its data in {@code .gantry/bench-pgdata}
 * (or {@code GANTRY_DATA_DIR}).
 */
final class DatabaseAccess implements AutoCloseable {
  static final String URL_VARIABLE = "GANTRY_BENCH_DATABASE_URL";
  private static final List<String> SETTINGS = List.of("server_version", "shared_buffers", "effective_cache_size",
      "work_mem", "maintenance_work_mem", "max_connections", "synchronous_commit", "fsync", "wal_level",
      "max_wal_size", "checkpoint_timeout", "autovacuum", "autovacuum_naptime", "autovacuum_vacuum_scale_factor",
      "random_page_cost", "jit");

  private final DatabaseSource source;

  private DatabaseAccess(DatabaseSource source) {
    this.source = source;
  }

  static DatabaseAccess open(int poolSize) {
    String url = System.getenv(URL_VARIABLE);
    String dataDir = System.getenv("GANTRY_DATA_DIR");
    Path dir = Path.of(dataDir == null || dataDir.isBlank() ? ".gantry/bench-pgdata" : dataDir).toAbsolutePath();
    DatabaseUrl parsed = url == null || url.isBlank() ? null : DatabaseUrl.parse(url);
    return new DatabaseAccess(DatabaseSource.open(new DatabaseConfig(parsed, dir, poolSize)));
  }

  DataSource dataSource() {
    return source.dataSource();
  }

  String description() {
    return source.description();
  }

  /** ANALYZE every table of one schema. */
  void analyze(String schema) throws SQLException {
    for (String table : Sql.tableSizes(dataSource(), schema).keySet()) {
      if (!table.endsWith(" (indexes)")) {
        Sql.execute(dataSource(), "ANALYZE " + schema + "." + table);
      }
    }
  }

  Map<String, String> settings() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String name : SETTINGS) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          out.put(name, rs.getString(1));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    source.close();
  }
}
