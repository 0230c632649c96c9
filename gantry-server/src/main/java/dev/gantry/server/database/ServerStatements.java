package dev.gantry.server.database;

import dev.gantry.internal.Sql;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's own SQL statements, from {@code dev/gantry/server/sql/*.sql} resources, with the
 * schema filled in the same way as Gantry's own statements (the schema name is the only text
 * substituted; every value is a bound parameter).
 */
public final class ServerStatements {
  private final Sql sql;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  /** @throws IllegalArgumentException if the schema is not a plain identifier */
  public ServerStatements(String schema) {
    this.sql = new Sql(schema);
  }

  public String schema() {
    return sql.schema();
  }

  /** The statement in {@code dev/gantry/server/sql/NAME.sql}. */
  public String get(String name) {
    return cache.computeIfAbsent(name, n -> sql.render(Sql.readResource("/dev/gantry/server/sql/" + n + ".sql")));
  }
}
