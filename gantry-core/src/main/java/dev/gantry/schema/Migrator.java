package dev.gantry.schema;

import dev.gantry.GantryException;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades Gantry's schema with numbered migrations.
 *
 * <p>Several nodes may start at once: the whole upgrade runs in one transaction behind a
 * transaction-scoped advisory lock keyed on the schema name, so one node applies the migrations
 * and the others wait, then find nothing left to do. A failed migration rolls back entirely.
 */
public final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  /** Every migration, in order. Released migrations are never edited; changes get a new number. */
  private static final List<String> MIGRATIONS =
      List.of("V001__jobs", "V002__tenants_and_remote_workers", "V003__api_keys", "V004__sql_api", "V005__batches",
          "V006__workflows", "V007__schedules", "V008__webhooks", "V009__limits");

  private final Sql sql;

  public Migrator(String schema) {
    this.sql = new Sql(schema);
  }

  /** All migrations, with the schema name filled in. */
  public List<Migration> migrations() {
    List<Migration> result = new ArrayList<>();
    for (String file : MIGRATIONS) {
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      String name = file.substring(file.indexOf("__") + 2);
      String text = Sql.readResource("/dev/gantry/schema/migrations/" + file + ".sql");
      result.add(new Migration(version, name, sql.render(text)));
    }
    return result;
  }

  /**
   * The full SQL a team can review and run itself: the bookkeeping table and every migration,
   * each recorded as applied, in one transaction.
   */
  public String script() {
    StringBuilder out = new StringBuilder("BEGIN;\n").append(bookkeepingSql()).append("\n");
    for (Migration m : migrations()) {
      out.append("\n-- migration ").append(m.version()).append(": ").append(m.name()).append("\n");
      out.append(m.sql()).append("\n");
      out.append("INSERT INTO ").append(sql.schema()).append(".schema_migrations (version, name) VALUES (")
          .append(m.version()).append(", '").append(m.name()).append("');\n");
    }
    return out.append("COMMIT;\n").toString();
  }

  /**
   * Applies every migration the database does not have yet.
   *
   * @return the versions applied by this call (empty when the schema was already current)
   * @throws GantryException if a migration fails; nothing of the failed upgrade is kept
   */
  public List<Integer> migrate(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Integer> applied = migrate(c);
        c.commit();
        return applied;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new GantryException("migrating schema " + sql.schema() + " failed: " + e.getMessage(), e);
    }
  }

  private List<Integer> migrate(Connection c) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
      lock.setString(1, "gantry.migrate." + sql.schema());
      lock.execute();
    }
    try (Statement s = c.createStatement()) {
      s.execute(bookkeepingSql());
    }
    int current = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + sql.schema() + ".schema_migrations")) {
      rs.next();
      current = rs.getInt(1);
    }
    List<Integer> applied = new ArrayList<>();
    for (Migration m : migrations()) {
      if (m.version() <= current) {
        continue;
      }
      log.info("Applying Gantry migration {} ({}) to schema {}", m.version(), m.name(), sql.schema());
      try (Statement s = c.createStatement()) {
        s.execute(m.sql());
        logNotices(m, s.getWarnings());
      }
      try (PreparedStatement record = c.prepareStatement(
          "INSERT INTO " + sql.schema() + ".schema_migrations (version, name) VALUES (?, ?)")) {
        record.setInt(1, m.version());
        record.setString(2, m.name());
        record.executeUpdate();
      }
      applied.add(m.version());
    }
    return applied;
  }

  /**
   * A migration may skip an optional step it lacks the privileges for and say so with a NOTICE
   * starting with "Gantry:" (V004 does for its producer role): the operator has to see it, so it
   * is logged as a warning. PostgreSQL's own notices ("already exists, skipping") are not news.
   */
  private void logNotices(Migration m, SQLWarning warning) {
    for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
      if (w.getMessage() != null && w.getMessage().startsWith("Gantry:")) {
        log.warn("Migration {} ({}) of schema {}: {}", m.version(), m.name(), sql.schema(), w.getMessage());
      } else {
        log.debug("Migration {} ({}) of schema {}: {}", m.version(), m.name(), sql.schema(), w.getMessage());
      }
    }
  }

  private String bookkeepingSql() {
    return sql.render("""
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
          version    integer     PRIMARY KEY,
          name       text        NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        );""");
  }
}
