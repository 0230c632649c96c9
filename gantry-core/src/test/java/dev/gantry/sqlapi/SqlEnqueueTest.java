package dev.gantry.sqlapi;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.util.PSQLException;

/** {@code <schema>.enqueue(kind, args, options)} and {@code <schema>.job_status(id)}, called as plain SQL. */
class SqlEnqueueTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private SqlApi sql;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
    sql = new SqlApi(gantry.schema());
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private UUID enqueue(String kind, String args, String options) throws SQLException {
    return sql.enqueue(db.dataSource(), kind, args, options);
  }

  private long jobCount() {
    return db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs");
  }

  @Test
  void defaultsMatchAJavaEnqueueWithDefaultOptions() throws Exception {
    UUID fromSql = db.queryStrings("SELECT " + gantry.schema() + ".enqueue('orders.ship')").stream()
        .map(UUID::fromString).findFirst().orElseThrow();
    UUID fromJava = gantry.enqueue("orders.ship", null).id();

    Job sqlJob = job(gantry, fromSql);
    Job javaJob = job(gantry, fromJava);
    assertThat(fromSql.version()).isEqualTo(7);
    assertThat(sqlJob.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(sqlJob.args().isObject()).isTrue();
    assertThat(sqlJob.args().isEmpty()).isTrue();
    assertThat(sqlJob.createdAt()).isEqualTo(sqlJob.scheduledAt());
    // Every stored option the same as the Java side's defaults.
    assertThat(sqlJob).usingRecursiveComparison()
        .ignoringFields("id", "createdAt", "scheduledAt")
        .isEqualTo(javaJob);
  }

  @Test
  void everyOptionIsStored() throws Exception {
    Instant before = db.now();
    UUID id = enqueue("email.send", "{\"to\": \"a@b.c\", \"n\": [1, 2]}", """
        {"queue": "mail", "priority": -7, "max_attempts": 3, "timeout_ms": 90000, "unique_key": "welcome:42",
         "tags": ["billing", "eu"], "metadata": {"by": "cron", "nested": {"x": null}}, "delay_ms": 60000}""");

    Job job = job(gantry, id);
    assertThat(job.kind()).isEqualTo("email.send");
    assertThat(job.args().get("to").asText()).isEqualTo("a@b.c");
    assertThat(job.args().get("n").get(1).asInt()).isEqualTo(2);
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.priority()).isEqualTo(-7);
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(job.uniqueKey()).isEqualTo("welcome:42");
    assertThat(job.tags()).containsExactly("billing", "eu");
    assertThat(job.metadata().get("by").asText()).isEqualTo("cron");
    assertThat(job.metadata().get("nested").has("x")).as("nulls inside metadata are kept").isTrue();
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    // delay_ms counts from the database's now() at enqueue
    assertThat(job.scheduledAt()).isCloseTo(job.createdAt().plusSeconds(60), within(1, ChronoUnit.MILLIS));
    assertThat(job.createdAt()).isBetween(before.minusSeconds(1), db.now());
  }

  @Test
  void runAtIsAnInstantWithItsOffset() throws Exception {
    UUID utc = enqueue("k", "{}", "{\"run_at\": \"2030-01-31T09:00:00Z\"}");
    UUID offset = enqueue("k", "{}", "{\"run_at\": \"2030-01-31T10:00:00.250+01:00\"}");
    UUID past = enqueue("k", "{}", "{\"run_at\": \"2001-01-01T00:00:00Z\"}");

    assertThat(job(gantry, utc).scheduledAt()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
    assertThat(job(gantry, utc).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job(gantry, offset).scheduledAt()).isEqualTo(Instant.parse("2030-01-31T09:00:00.250Z"));
    assertThat(job(gantry, past).state()).as("a run_at in the past is due now").isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void nullOptionsAndArgumentsMeanTheDefaults() throws Exception {
    UUID id = enqueue("k", null, """
        {"queue": null, "priority": null, "max_attempts": null, "timeout_ms": null, "unique_key": null, "tags": null,
         "metadata": null, "delay_ms": null, "run_at": null}""");
    UUID noOptions = enqueue("k", "{}", null);

    for (UUID each : new UUID[] {id, noOptions}) {
      Job job = job(gantry, each);
      assertThat(job.queue()).isEqualTo(JobOptions.DEFAULT_QUEUE);
      assertThat(job.priority()).isZero();
      assertThat(job.maxAttempts()).isNull();
      assertThat(job.timeout()).isNull();
      assertThat(job.uniqueKey()).isNull();
      assertThat(job.tags()).isEmpty();
      assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
      assertThat(job.args().isObject()).isTrue();
    }
  }

  @Test
  void badOptionsAreRejectedNamingTheOptionWithAHint() {
    Map<String, String> rejected = new java.util.LinkedHashMap<>();
    rejected.put("{\"queue\": \"no spaces\"}", "option \"queue\"");
    rejected.put("{\"queue\": 5}", "option \"queue\"");
    rejected.put("{\"queue\": \"" + "q".repeat(129) + "\"}", "option \"queue\"");
    rejected.put("{\"priority\": 101}", "option \"priority\"");
    rejected.put("{\"priority\": 1.5}", "option \"priority\"");
    rejected.put("{\"priority\": \"high\"}", "option \"priority\"");
    rejected.put("{\"max_attempts\": 0}", "option \"max_attempts\"");
    rejected.put("{\"max_attempts\": 3000000000}", "option \"max_attempts\"");
    rejected.put("{\"timeout_ms\": 0}", "option \"timeout_ms\"");
    rejected.put("{\"timeout_ms\": \"1s\"}", "option \"timeout_ms\"");
    rejected.put("{\"unique_key\": \"  \"}", "option \"unique_key\"");
    rejected.put("{\"tenant\": \"has space\"}", "option \"tenant\"");
    rejected.put("{\"tenant\": 7}", "option \"tenant\"");
    rejected.put("{\"unique_key\": \"" + "k".repeat(1001) + "\"}", "option \"unique_key\"");
    rejected.put("{\"unique_key\": 42}", "option \"unique_key\"");
    rejected.put("{\"tags\": \"billing\"}", "option \"tags\"");
    rejected.put("{\"tags\": [\"ok\", 7]}", "option \"tags\"");
    rejected.put("{\"tags\": [\"\"]}", "option \"tags\"");
    rejected.put("{\"tags\": [\"" + "t".repeat(201) + "\"]}", "option \"tags\"");
    rejected.put("{\"metadata\": [1]}", "option \"metadata\"");
    rejected.put("{\"delay_ms\": -1}", "option \"delay_ms\"");
    rejected.put("{\"delay_ms\": \"5s\"}", "option \"delay_ms\"");
    rejected.put("{\"delay_ms\": 1e20}", "option \"delay_ms\"");
    rejected.put("{\"run_at\": \"2030-01-31T09:00:00\"}", "option \"run_at\"");
    rejected.put("{\"run_at\": \"tomorrow\"}", "option \"run_at\"");
    rejected.put("{\"run_at\": \"2030-13-01T00:00:00Z\"}", "option \"run_at\"");
    rejected.put("{\"run_at\": 1893456000}", "option \"run_at\"");
    rejected.put("{\"delay_ms\": 5, \"run_at\": \"2030-01-31T09:00:00Z\"}", "\"delay_ms\" and \"run_at\" cannot both be set");
    rejected.put("{\"delay\": 5000}", "unknown option \"delay\"");
    rejected.put("[]", "options must be a JSON object");
    rejected.put("\"mail\"", "options must be a JSON object");

    rejected.forEach((options, named) -> assertThatThrownBy(() -> enqueue("k", "{}", options))
        .as("options %s", options)
        .isInstanceOfSatisfying(PSQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("22023");
          assertThat(e.getServerErrorMessage().getMessage()).startsWith(gantry.schema() + ".enqueue: ").contains(named);
          assertThat(e.getServerErrorMessage().getHint()).isNotBlank();
        }));
    assertThat(jobCount()).isZero();
  }

  @Test
  void unknownOptionsNameTheKnownOnes() {
    assertThatThrownBy(() -> enqueue("k", "{}", "{\"queue\": \"mail\", \"retries\": 3}"))
        .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getServerErrorMessage().getHint())
            .contains("queue", "priority", "max_attempts", "timeout_ms", "unique_key", "tags", "metadata", "tenant", "delay_ms", "run_at"));
  }

  @Test
  void badKindsAreRejected() {
    for (String kind : new String[] {null, "", "has space", "k".repeat(201), "ünïcode"}) {
      assertThatThrownBy(() -> enqueue(kind, "{}", "{}")).as("kind %s", kind)
          .isInstanceOfSatisfying(PSQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("22023");
            assertThat(e.getServerErrorMessage().getMessage()).contains("kind must be 1 to 200 characters");
          });
    }
    assertThat(jobCount()).isZero();
  }

  @Test
  void anyJsonValueIsAcceptedAsArgs() throws Exception {
    UUID array = enqueue("k", "[1, 2, 3]", "{}");
    UUID text = enqueue("k", "\"hello\"", "{}");

    assertThat(job(gantry, array).args().size()).isEqualTo(3);
    assertThat(job(gantry, text).args().asText()).isEqualTo("hello");
  }

  @Test
  void aDuplicateUniqueKeyReturnsTheUnfinishedJobsId() throws Exception {
    UUID first = enqueue("report", "{\"v\": 1}", "{\"unique_key\": \"report-2026\"}");
    UUID second = enqueue("report", "{\"v\": 2}", "{\"unique_key\": \"report-2026\", \"priority\": 50}");
    UUID fromJava = gantry.enqueue("report", Map.of("v", 3), JobOptions.defaults().withUniqueKey("report-2026")).id();

    assertThat(second).isEqualTo(first);
    assertThat(fromJava).isEqualTo(first);
    assertThat(jobCount()).isEqualTo(1);
    assertThat(job(gantry, first).args().get("v").asInt()).as("the existing job is unchanged").isEqualTo(1);
    assertThat(job(gantry, first).priority()).isZero();

    // Once it has finished, the key is free again.
    assertThat(gantry.cancel(first)).isEqualTo(CancelResult.CANCELLED);
    UUID third = enqueue("report", "{\"v\": 4}", "{\"unique_key\": \"report-2026\"}");
    assertThat(third).isNotEqualTo(first);
    assertThat(jobCount()).isEqualTo(2);
  }

  @Test
  void aTenantsJobIsStampedAndItsUniqueKeysAreItsOwn() throws Exception {
    UUID acme = enqueue("report", "{}", "{\"tenant\": \"acme\", \"unique_key\": \"monthly\"}");
    UUID globex = enqueue("report", "{}", "{\"tenant\": \"globex\", \"unique_key\": \"monthly\"}");
    UUID acmeAgain = enqueue("report", "{}", "{\"tenant\": \"acme\", \"unique_key\": \"monthly\"}");

    assertThat(globex).as("another tenant's key never returns acme's job").isNotEqualTo(acme);
    assertThat(acmeAgain).isEqualTo(acme);
    assertThat(job(gantry, acme).tenant()).isEqualTo("acme");
    assertThat(gantry.forTenant("globex").job(acme)).isEmpty();
    assertThat(gantry.forTenant("acme").job(acme)).isPresent();
  }

  @Test
  void aJavaDuplicateOfASqlJobIsReportedAsDuplicate() throws Exception {
    UUID fromSql = enqueue("report", "{}", "{\"unique_key\": \"k\"}");
    var fromJava = gantry.enqueue("report", null, JobOptions.defaults().withUniqueKey("k"));

    assertThat(fromJava.duplicate()).isTrue();
    assertThat(fromJava.id()).isEqualTo(fromSql);
  }

  @Test
  void theInsertWakesTheQueueAtCommitAndADelayedJobDoesNot() throws Exception {
    String channel = gantry.schema() + "_wakeup";
    try (Connection listener = listener(channel); Connection producer = db.dataSource().getConnection()) {
      PGConnection pg = listener.unwrap(PGConnection.class);

      producer.setAutoCommit(false);
      sql.enqueue(producer, "k", "{}", "{\"queue\": \"mail\"}");
      assertThat(pg.getNotifications(300)).as("nothing before commit").isNullOrEmpty();
      producer.commit();
      assertThat(notifications(pg)).extracting(PGNotification::getName, PGNotification::getParameter)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(channel, "mail"));

      sql.enqueue(producer, "k", "{}", "{\"queue\": \"later\", \"delay_ms\": 60000}");
      producer.commit();
      assertThat(pg.getNotifications(300)).as("a scheduled job wakes nobody").isNullOrEmpty();

      sql.enqueue(producer, "k", "{}", "{\"queue\": \"gone\"}");
      producer.rollback();
      producer.setAutoCommit(true);
      assertThat(pg.getNotifications(300)).as("a rolled-back enqueue wakes nobody").isNullOrEmpty();
      assertThat(jobCount()).isEqualTo(2);
    }
  }

  @Test
  void aDuplicateOfAnAvailableJobWakesItsQueueAgain() throws Exception {
    // The duplicate's no-op update locks the existing row until commit, so a claim at that moment
    // skips it; the second wake-up makes sure a worker looks again.
    String channel = gantry.schema() + "_wakeup";
    enqueue("k", "{}", "{\"queue\": \"mail\", \"unique_key\": \"once\"}");
    try (Connection listener = listener(channel)) {
      PGConnection pg = listener.unwrap(PGConnection.class);

      enqueue("k", "{}", "{\"queue\": \"mail\", \"unique_key\": \"once\"}");

      assertThat(notifications(pg)).extracting(PGNotification::getParameter).containsExactly("mail");
    }
  }

  /** A connection of its own (a pooled one would keep listening after the test) that listens on the channel. */
  private Connection listener(String channel) throws SQLException {
    Connection c = DriverManager.getConnection(db.jdbcUrl());
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel);
    }
    return c;
  }

  /** Waits up to a few seconds for the first notifications to arrive. */
  private static PGNotification[] notifications(PGConnection pg) throws SQLException {
    PGNotification[] received = pg.getNotifications(5000);
    assertThat(received).as("notifications within 5 s").isNotEmpty();
    return received;
  }

  @Test
  void statusOfAWaitingJob() throws Exception {
    UUID id = enqueue("email.send", "{}", "{\"queue\": \"mail\", \"delay_ms\": 60000, \"max_attempts\": 4}");

    JsonNode status = sql.status(db.dataSource(), id);

    assertThat(status.get("id").asText()).isEqualTo(id.toString());
    assertThat(status.get("queue").asText()).isEqualTo("mail");
    assertThat(status.get("kind").asText()).isEqualTo("email.send");
    assertThat(status.get("state").asText()).isEqualTo("scheduled");
    assertThat(status.get("attempt").asInt()).isZero();
    assertThat(status.get("max_attempts").asInt()).isEqualTo(4);
    assertThat(status.get("cancel_requested").asBoolean()).isFalse();
    assertThat(status.get("result").isNull()).isTrue();
    assertThat(status.get("last_error").isNull()).isTrue();
    assertThat(status.get("attempted_at").isNull()).isTrue();
    assertThat(status.get("finished_at").isNull()).isTrue();
    Job job = job(gantry, id);
    assertThat(OffsetDateTime.parse(status.get("created_at").asText()).toInstant()).isEqualTo(job.createdAt());
    assertThat(OffsetDateTime.parse(status.get("scheduled_at").asText()).toInstant()).isEqualTo(job.scheduledAt());
  }

  @Test
  void statusOfFinishedJobsHasTheirResultOrLastError() throws Exception {
    try (Worker w = fast(gantry).queue("default", 2)
        .handler("ok", Map.class, (args, ctx) -> {
          ctx.progress(100, "all done");
          return Map.of("sent", args.get("n"));
        })
        .handler("broken", Map.class, (args, ctx) -> {
          throw new PermanentFailure("mailbox full");
        })
        .start()) {
      UUID ok = enqueue("ok", "{\"n\": 3}", "{}");
      UUID broken = enqueue("broken", "{}", "{}");
      awaitFinished(gantry, ok);
      awaitFinished(gantry, broken);

      JsonNode done = sql.status(db.dataSource(), ok);
      assertThat(done.get("state").asText()).isEqualTo("completed");
      assertThat(done.get("attempt").asInt()).isEqualTo(1);
      assertThat(done.get("result").get("sent").asInt()).isEqualTo(3);
      assertThat(done.get("progress_percent").asInt()).isEqualTo(100);
      assertThat(done.get("progress_message").asText()).isEqualTo("all done");
      assertThat(done.get("attempted_at").isNull()).isFalse();
      assertThat(done.get("finished_at").isNull()).isFalse();

      JsonNode dead = sql.status(db.dataSource(), broken);
      assertThat(dead.get("state").asText()).isEqualTo("dead");
      assertThat(dead.get("last_error").get("message").asText()).isEqualTo("mailbox full");
      assertThat(dead.get("last_error").get("attempt").asInt()).isEqualTo(1);
      assertThat(dead.get("last_error").has("stacktrace")).as("no stack trace for producers").isFalse();
    }
  }

  @Test
  void statusOfAnUnknownJobIsNull() throws Exception {
    assertThat(sql.status(db.dataSource(), UUID.randomUUID())).isNull();
  }
}
