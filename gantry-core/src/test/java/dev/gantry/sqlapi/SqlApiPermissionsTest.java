package dev.gantry.sqlapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import dev.gantry.job.JobState;
import dev.gantry.schema.Migration;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.slf4j.LoggerFactory;

/**
 * The SQL API's security: the functions run with their owner's rights, so a role that may only
 * execute them (the {@code <schema>_producer} role the migration creates) enqueues and reads
 * status without any privilege on the tables. Runs as the test database's superuser and switches
 * roles with {@code SET ROLE} on connections of its own; the roles it makes are dropped after.
 */
class SqlApiPermissionsTest {
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  private final TestDatabase db = TestDatabase.get();
  private final List<String> rolesToDrop = new ArrayList<>();
  private Gantry gantry;
  private String schema;
  private String producer;
  private SqlApi sql;

  @BeforeEach
  void setUp() {
    assumeTrue(db.queryLong("SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper") == 1,
        "these tests create and switch roles, so they need a superuser");
    gantry = db.newGantry();
    schema = gantry.schema();
    producer = schema + "_producer";
    sql = new SqlApi(schema);
  }

  @AfterEach
  void tearDown() {
    if (gantry != null) {
      gantry.close();
    }
    for (String role : rolesToDrop.reversed()) {
      db.execute("DROP OWNED BY " + role + " CASCADE");
      db.execute("DROP ROLE " + role);
    }
  }

  /** A connection of its own (never returned to the shared pool) acting as the given role. */
  private Connection as(String role) throws SQLException {
    Connection c = DriverManager.getConnection(db.jdbcUrl());
    try (Statement s = c.createStatement()) {
      s.execute("SET ROLE " + role);
    }
    return c;
  }

  private void createRole(String role, String options) {
    db.execute("CREATE ROLE " + role + " " + options);
    rolesToDrop.add(role);
  }

  @Test
  void theProducerRoleEnqueuesAndReadsStatusButCannotTouchTheTables() throws Exception {
    try (Connection c = as(producer)) {
      UUID id = sql.enqueue(c, "email.send", "{\"to\": \"a@b.c\"}", "{\"queue\": \"mail\"}");
      assertThat(sql.status(c, id).get("state").asText()).isEqualTo("available");
      assertThat(gantry.job(id)).get().satisfies(j -> {
        assertThat(j.kind()).isEqualTo("email.send");
        assertThat(j.queue()).isEqualTo("mail");
        assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
      });

      for (String statement : List.of(
          "SELECT * FROM " + schema + ".jobs",
          "SELECT * FROM " + schema + ".finished_jobs",
          "SELECT * FROM " + schema + ".all_jobs",
          "SELECT * FROM " + schema + ".finished_counts",
          "SELECT * FROM " + schema + ".schema_migrations",
          "INSERT INTO " + schema + ".jobs (kind, state) VALUES ('x', 'available')",
          "INSERT INTO " + schema + ".finished_jobs SELECT * FROM " + schema + ".finished_jobs",
          "UPDATE " + schema + ".jobs SET priority = 1",
          "UPDATE " + schema + ".finished_counts SET count = 0",
          "DELETE FROM " + schema + ".jobs",
          "DELETE FROM " + schema + ".finished_jobs",
          "TRUNCATE " + schema + ".jobs",
          "CREATE TABLE " + schema + ".mine (id int)")) {
        assertThatThrownBy(() -> {
          try (Statement s = c.createStatement()) {
            s.execute(statement);
          }
        }).as(statement).isInstanceOfSatisfying(PSQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE);
          assertThat(e.getMessage()).contains("permission denied");
        });
      }
    }
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs")).isEqualTo(1);
  }

  @Test
  void theProducerRoleHoldsExactlyUsageOnTheSchemaAndExecuteOnTheTwoFunctions() {
    assertThat(db.queryStrings("SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls"
        + " FROM pg_roles WHERE rolname = '" + producer + "'")).containsExactly("f");
    assertThat(db.queryStrings("SELECT p.oid::regprocedure::text FROM pg_proc p, aclexplode(p.proacl) a"
        + " WHERE p.pronamespace = '" + schema + "'::regnamespace AND a.grantee = '" + producer + "'::regrole"
        + " ORDER BY 1")).containsExactly(schema + ".enqueue(text,jsonb,jsonb)", schema + ".job_status(uuid)");
    assertThat(db.queryStrings("SELECT a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a"
        + " WHERE n.nspname = '" + schema + "' AND a.grantee = '" + producer + "'::regrole")).containsExactly("USAGE");
    assertThat(db.queryLong("SELECT count(*) FROM pg_class c WHERE c.relnamespace = '" + schema + "'::regnamespace"
        + " AND c.relkind IN ('r', 'v', 'p') AND (has_table_privilege('" + producer + "', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')"
        + "   OR has_any_column_privilege('" + producer + "', c.oid, 'SELECT,INSERT,UPDATE,REFERENCES'))")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM pg_auth_members WHERE member = '" + producer + "'::regrole")).isZero();
  }

  @Test
  void otherRolesMayNotExecuteTheFunctions() throws Exception {
    String other = schema + "_other";
    createRole(other, "NOLOGIN");
    // Even with the schema open to it, PUBLIC's EXECUTE was revoked: only members of the producer role may call them.
    db.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + other);

    try (Connection c = as(other)) {
      assertThatThrownBy(() -> sql.enqueue(c, "k", "{}", "{}"))
          .isInstanceOfSatisfying(PSQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertThat(e.getMessage()).contains("permission denied for function enqueue");
          });
      assertThatThrownBy(() -> sql.status(c, UUID.randomUUID()))
          .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
    }
  }

  @Test
  void aMemberOfTheProducerRoleCanEnqueue() throws Exception {
    // As the README tells operators, minus LOGIN so that the test leaves no account anyone could use.
    String app = schema + "_app";
    createRole(app, "NOLOGIN IN ROLE " + producer);

    try (Connection c = as(app)) {
      UUID id = sql.enqueue(c, "k", "{}", "{\"unique_key\": \"member\"}");
      assertThat(sql.enqueue(c, "k", "{}", "{\"unique_key\": \"member\"}")).isEqualTo(id);
      assertThat(sql.status(c, id).get("kind").asText()).isEqualTo("k");
    }
  }

  @Test
  void anExistingProducerRoleIsReusedAndGranted() {
    String fresh = db.newSchema();
    createRole(fresh + "_producer", "NOLOGIN");

    new Migrator(fresh).migrate(db.dataSource());

    assertThat(db.queryStrings("SELECT has_function_privilege('" + fresh + "_producer', '" + fresh
        + ".enqueue(text,jsonb,jsonb)', 'EXECUTE')")).containsExactly("t");
    db.execute("DROP SCHEMA " + fresh + " CASCADE");
  }

  @Test
  void aMigratingRoleThatMayNotCreateRolesSkipsTheProducerRoleWithANotice() throws Exception {
    String owner = schema + "_owner";
    createRole(owner, "NOLOGIN NOCREATEROLE");
    String database = db.queryStrings("SELECT current_database()").get(0);
    db.execute("GRANT CREATE ON DATABASE " + database + " TO " + owner);
    Logger migratorLog = (Logger) LoggerFactory.getLogger(Migrator.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    migratorLog.addAppender(logged);
    String viaMigrator = db.newSchema();
    String viaScript = db.newSchema();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setMaximumPoolSize(2);
    config.setConnectionInitSql("SET ROLE " + owner);
    try (HikariDataSource asOwner = new HikariDataSource(config)) {
      List<Integer> applied = new Migrator(viaMigrator).migrate(asOwner);

      assertThat(applied).containsExactlyElementsOf(new Migrator(viaMigrator).migrations().stream().map(Migration::version).toList());
      assertThat(db.queryLong("SELECT count(*) FROM pg_roles WHERE rolname = '" + viaMigrator + "_producer'")).isZero();
      assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
          .contains("Gantry: role " + viaMigrator + "_producer was not created: " + owner + " may not create roles")
          .contains("CREATE ROLE " + viaMigrator + "_producer NOLOGIN"));
      // The functions work for their owner all the same.
      UUID id = new SqlApi(viaMigrator).enqueue(asOwner, "k", "{}", "{}");
      assertThat(new SqlApi(viaMigrator).status(asOwner, id).get("state").asText()).isEqualTo("available");

      // The same when a team runs the printed script itself: it succeeds and says why in a NOTICE.
      try (Connection c = asOwner.getConnection(); Statement s = c.createStatement()) {
        s.execute(Gantry.migrationScript(viaScript));
        List<String> notices = new ArrayList<>();
        for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
          notices.add(w.getMessage());
        }
        assertThat(notices).anySatisfy(n -> assertThat(n).startsWith("Gantry: role " + viaScript + "_producer was not created"));
      }
      assertThat(new SqlApi(viaScript).enqueue(asOwner, "k", "{}", "{}")).isNotNull();
    } finally {
      migratorLog.detachAppender(logged);
      db.execute("DROP SCHEMA IF EXISTS " + viaMigrator + " CASCADE");
      db.execute("DROP SCHEMA IF EXISTS " + viaScript + " CASCADE");
      db.execute("REVOKE CREATE ON DATABASE " + database + " FROM " + owner);
    }
  }
}
