package dev.gantry.schedule;

import static dev.gantry.testing.TestWorkers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java API of schedules: define (idempotent), read, pause, resume and delete, checks, tenants,
 * and ticks decided on the database clock. Expressions are the test parser's
 * ({@link EverySecondsParser}); real cron is gantry-cron's to test.
 */
class ScheduleTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private TestNode node;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    gantry.close();
  }

  private Schedules schedules() {
    return gantry.schedules();
  }

  /** A maintenance-only node that ticks schedules every 100 ms. */
  private void startTicking() {
    node = TestNode.create(gantry.schema(), "ticker", 4).startWorker(b -> b.scheduleInterval(Duration.ofMillis(100)));
  }

  /** The ticks the schedule's jobs were enqueued for, in order (running or finished jobs alike). */
  private List<Instant> ticks(String schedule) {
    return db.queryStrings("SELECT (metadata->>'scheduled_for') FROM " + gantry.schema() + ".all_jobs WHERE metadata->>"
        + "'schedule' = '" + schedule + "' ORDER BY metadata->>'scheduled_for'").stream().map(Instant::parse).toList();
  }

  private long jobs(String schedule) {
    return db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs WHERE metadata->>'schedule' = '"
        + schedule + "'");
  }

  /** Waits until the database clock has passed the instant. */
  private void awaitDatabaseClockPast(Instant instant) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> db.now().isAfter(instant));
  }

  @Test
  void defineStoresTheScheduleWithItsFirstTickAfterTheDatabasesNow() {
    Instant before = db.now();
    Defined defined = schedules().define(ScheduleDefinition.of("report", "every 10 seconds", "report.build",
            Map.of("format", "pdf"))
        .withTimeZone(ZoneId.of("Europe/Berlin"))
        .withOptions(JobOptions.defaults().withQueue("reports").withPriority(-5).withMaxAttempts(3)
            .withTimeout(Duration.ofMinutes(2)).withTags("nightly").withMetadata(Map.of("team", "finance")))
        .withMissed(MissedTicks.RUN_ONCE)
        .withGrace(Duration.ofMinutes(5)));
    Instant after = db.now();

    assertThat(defined.created()).isTrue();
    assertThat(defined.changed()).isTrue();
    Schedule s = defined.schedule();
    assertThat(s.name()).isEqualTo("report");
    assertThat(s.tenant()).isNull();
    assertThat(s.paused()).isFalse();
    assertThat(s.lastRunAt()).isNull();
    assertThat(s.lastJobId()).isNull();
    assertThat(s.nextRunAt()).isAfter(before).isBeforeOrEqualTo(after.plusSeconds(10));
    assertThat(s.nextRunAt().getEpochSecond() % 10).isZero();
    ScheduleDefinition d = s.definition();
    assertThat(d.cron()).isEqualTo("every 10 seconds");
    assertThat(d.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(d.kind()).isEqualTo("report.build");
    assertThat(d.args().toString()).isEqualTo("{\"format\":\"pdf\"}");
    assertThat(d.options().queue()).isEqualTo("reports");
    assertThat(d.options().priority()).isEqualTo(-5);
    assertThat(d.options().maxAttempts()).isEqualTo(3);
    assertThat(d.options().timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.options().tags()).containsExactly("nightly");
    assertThat(d.options().metadata().get("team").toString()).isEqualTo("\"finance\"");
    assertThat(d.missed()).isEqualTo(MissedTicks.RUN_ONCE);
    assertThat(d.grace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(schedules().get("report")).contains(s);
    assertThat(schedules().list()).containsExactly(s);
    assertThat(schedules().get("other")).isEmpty();
  }

  @Test
  void definingAgainAsItWasChangesNothingAndANewExpressionMovesTheNextTick() {
    ScheduleDefinition hourly = ScheduleDefinition.of("cleanup", "every 3600 seconds", "cleanup", null);
    Schedule first = schedules().define(hourly).schedule();

    Defined again = schedules().define(hourly);
    assertThat(again.created()).isFalse();
    assertThat(again.changed()).isFalse();
    assertThat(again.schedule()).isEqualTo(first);

    Defined newArgs = schedules().define(hourly.withArgs(Map.of("deep", true)));
    assertThat(newArgs.created()).isFalse();
    assertThat(newArgs.changed()).isTrue();
    assertThat(newArgs.schedule().nextRunAt()).as("same expression, same ticks").isEqualTo(first.nextRunAt());
    assertThat(newArgs.schedule().updatedAt()).isAfter(first.updatedAt());

    Instant now = db.now();
    Schedule everySecond = schedules().define(hourly.withCron("every 1 seconds")).schedule();
    assertThat(everySecond.nextRunAt()).isAfter(now).isBeforeOrEqualTo(db.now().plusSeconds(1));
    assertThat(everySecond.createdAt()).isEqualTo(first.createdAt());
    assertThat(schedules().list()).hasSize(1);
  }

  @Test
  void aTickEnqueuesItsJobWithTheSchedulesOptionsAndMetadata() {
    Schedule s = schedules().define(ScheduleDefinition.of("ping", "every 1 seconds", "ping", Map.of("n", 1))
        .withOptions(JobOptions.defaults().withQueue("pings").withPriority(7).withTags("a", "b")
            .withMetadata(Map.of("team", "ops")))).schedule();
    startTicking();

    await().atMost(WAIT).until(() -> jobs("ping") >= 1);
    var job = gantry.jobs(dev.gantry.job.JobFilter.all().withQueue("pings")).jobs().getLast();
    assertThat(job.kind()).isEqualTo("ping");
    assertThat(job.args().toString()).isEqualTo("{\"n\":1}");
    assertThat(job.priority()).isEqualTo(7);
    assertThat(job.tags()).containsExactly("a", "b");
    assertThat(job.metadata().get("team").asText()).isEqualTo("ops");
    assertThat(job.metadata().get("schedule").asText()).isEqualTo("ping");
    Instant tick = Instant.parse(job.metadata().get("scheduled_for").asText());
    assertThat(tick).isEqualTo(s.nextRunAt());
    assertThat(job.metadata().has("catch_up")).isFalse();
    // Not before its tick, by the database clock: created_at is the database's now() at the insert.
    assertThat(job.createdAt()).isAfterOrEqualTo(tick);

    Schedule after = await().atMost(WAIT).until(() -> schedules().get("ping").orElseThrow(),
        r -> r.lastJobId() != null);
    assertThat(after.lastRunAt()).isNotNull();
    assertThat(after.nextRunAt()).isAfter(after.lastRunAt());
    assertThat(node.events().of(dev.gantry.events.JobEvent.Enqueued.class)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.queue()).isEqualTo("pings"));
  }

  @Test
  void aScheduleWhoseTickIsAheadEnqueuesNothingBeforeIt() {
    Schedule s = schedules().define(ScheduleDefinition.of("later", "every 4 seconds", "k", null)).schedule();
    startTicking();

    // Until the tick passes by the database clock, there is no job; then there is exactly one for it.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      Instant now = db.now();
      long n = jobs("later");
      if (now.isBefore(s.nextRunAt())) {
        assertThat(n).as("jobs before the tick at %s (database clock %s)", s.nextRunAt(), now).isZero();
      }
      return n > 0;
    });
    assertThat(ticks("later").getFirst()).isEqualTo(s.nextRunAt());
  }

  @Test
  void pauseStopsTheTicksAndResumeGoesOnFromNowWithoutCatchingUp() {
    schedules().define(ScheduleDefinition.of("beat", "every 1 seconds", "k", null).withMissed(MissedTicks.RUN_ONCE)
        .withGrace(Duration.ofSeconds(1)));
    startTicking();
    await().atMost(WAIT).until(() -> jobs("beat") >= 2);

    Schedule paused = schedules().pause("beat");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.pausedAt()).isNotNull();
    assertThat(paused.nextRunAt()).isNull();
    assertThat(schedules().pause("beat")).as("pausing again changes nothing").isEqualTo(paused);
    long atPause = jobs("beat");
    Schedule redefined = schedules().define(ScheduleDefinition.of("beat", "every 2 seconds", "k", null)
        .withMissed(MissedTicks.RUN_ONCE).withGrace(Duration.ofSeconds(1))).schedule();
    assertThat(redefined.paused()).as("defining a paused schedule leaves it paused").isTrue();
    assertThat(redefined.nextRunAt()).isNull();
    schedules().define(ScheduleDefinition.of("beat", "every 1 seconds", "k", null).withMissed(MissedTicks.RUN_ONCE)
        .withGrace(Duration.ofSeconds(1)));
    awaitDatabaseClockPast(paused.pausedAt().plusSeconds(4));
    assertThat(jobs("beat")).as("no tick while paused").isEqualTo(atPause);

    Instant resumedAt = db.now();
    Schedule resumed = schedules().resume("beat");
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.nextRunAt()).isAfter(resumedAt).isBeforeOrEqualTo(db.now().plusSeconds(1));
    assertThat(schedules().resume("beat")).as("resuming a running schedule changes nothing").isEqualTo(resumed);
    await().atMost(WAIT).until(() -> jobs("beat") >= atPause + 2);
    List<Instant> after = ticks("beat").stream().filter(t -> t.isAfter(paused.pausedAt())).toList();
    assertThat(after).first().isEqualTo(resumed.nextRunAt());
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs WHERE metadata ? 'catch_up'"))
        .as("the paused ticks are not made up for").isZero();
  }

  @Test
  void deleteRemovesTheScheduleButNotItsJobs() {
    schedules().define(ScheduleDefinition.of("gone", "every 1 seconds", "k", null));
    startTicking();
    await().atMost(WAIT).until(() -> jobs("gone") >= 1);

    schedules().delete("gone");
    Instant deletedAt = db.now();
    long left = jobs("gone");

    assertThat(schedules().get("gone")).isEmpty();
    assertThat(schedules().list()).isEmpty();
    awaitDatabaseClockPast(deletedAt.plusSeconds(3));
    assertThat(jobs("gone")).isEqualTo(left).isPositive();
    for (Runnable r : List.<Runnable>of(() -> schedules().delete("gone"), () -> schedules().pause("gone"),
        () -> schedules().resume("gone"))) {
      assertThatThrownBy(r::run).isInstanceOf(ScheduleNotFoundException.class).hasMessage("no schedule named gone");
    }
  }

  @Test
  void aTenantsSchedulesAreItsOwnAndNamesAreUniquePerTenant() {
    Schedules acme = schedules().forTenant("acme");
    Schedules globex = schedules().forTenant("globex");
    Schedule a = acme.define(ScheduleDefinition.of("report", "every 60 seconds", "k", null)).schedule();
    globex.define(ScheduleDefinition.of("report", "every 120 seconds", "k", null));
    schedules().define(ScheduleDefinition.of("report", "every 180 seconds", "k", null));

    assertThat(a.tenant()).isEqualTo("acme");
    assertThat(acme.list()).extracting(Schedule::tenant).containsExactly("acme");
    assertThat(acme.get("report")).get().extracting(s -> s.definition().cron()).isEqualTo("every 60 seconds");
    assertThat(globex.get("report")).get().extracting(s -> s.definition().cron()).isEqualTo("every 120 seconds");
    assertThat(schedules().get("report")).get().extracting(Schedule::tenant).isNull();
    assertThat(schedules().list()).extracting(Schedule::tenant).containsExactly(null, "acme", "globex");

    acme.pause("report");
    assertThat(globex.get("report").orElseThrow().paused()).isFalse();
    assertThat(schedules().get("report").orElseThrow().paused()).isFalse();
    acme.delete("report");
    assertThatThrownBy(() -> acme.delete("report")).isInstanceOf(ScheduleNotFoundException.class)
        .hasMessage("no schedule named report in tenant acme");
    assertThat(schedules().list()).extracting(Schedule::tenant).containsExactly(null, "globex");

    assertThatThrownBy(() -> acme.define(ScheduleDefinition.of("x", "every 1 seconds", "k", null)
        .withOptions(JobOptions.defaults().withTenant("globex"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("options.tenant: ");
    // The unscoped view defines for the tenant the definition names.
    assertThat(schedules().define(ScheduleDefinition.of("y", "every 1 seconds", "k", null)
        .withOptions(JobOptions.defaults().withTenant("acme"))).schedule().tenant()).isEqualTo("acme");
  }

  @Test
  void aTenantsScheduleEnqueuesJobsOfThatTenant() {
    schedules().forTenant("acme").define(ScheduleDefinition.of("t", "every 1 seconds", "k", null));
    startTicking();

    await().atMost(WAIT).until(() -> jobs("t") >= 1);
    assertThat(db.queryStrings("SELECT DISTINCT tenant FROM " + gantry.schema() + ".all_jobs")).containsExactly("acme");
  }

  @Test
  void invalidDefinitionsAreRefusedNamingTheField() {
    List<Map.Entry<String, Runnable>> bad = new java.util.ArrayList<>();
    bad.add(Map.entry("name: ", () -> ScheduleDefinition.of("has space", "every 1 seconds", "k", null)));
    bad.add(Map.entry("name: ", () -> ScheduleDefinition.of("a/b", "every 1 seconds", "k", null)));
    bad.add(Map.entry("cron: ", () -> ScheduleDefinition.of("n", " ", "k", null)));
    bad.add(Map.entry("kind: ", () -> ScheduleDefinition.of("n", "every 1 seconds", "bad kind", null)));
    bad.add(Map.entry("grace: ", () -> ScheduleDefinition.of("n", "every 1 seconds", "k", null)
        .withGrace(Duration.ofMillis(10))));
    bad.add(Map.entry("options: ", () -> ScheduleDefinition.of("n", "every 1 seconds", "k", null)
        .withOptions(JobOptions.defaults().withDelay(Duration.ofSeconds(1)))));
    bad.add(Map.entry("options: a scheduled job cannot", () -> ScheduleDefinition.of("n", "every 1 seconds", "k", null)
        .withOptions(JobOptions.defaults().withUniqueKey("u"))));
    bad.add(Map.entry("cron: 'every day' is not a valid cron expression: ", () -> schedules()
        .define(ScheduleDefinition.of("n", "every day", "k", null))));
    bad.add(Map.entry("cron: 'never' never fires", () -> schedules()
        .define(ScheduleDefinition.of("n", "never", "k", null))));
    bad.add(Map.entry("missed: must be skip or run_once", () -> MissedTicks.of("sometimes")));
    bad.forEach(e -> assertThatThrownBy(e.getValue()::run).as(e.getKey()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(e.getKey()));
    assertThatThrownBy(() -> schedules().get("no good")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("name: ");
    assertThat(schedules().list()).as("nothing was written").isEmpty();
  }

  @Test
  void aScheduleThisNodeCannotReadIsLeftAloneAndHoldsUpNoOther() {
    // As a node with another parser or newer time zone rules might have written them.
    for (String row : List.of("'odd-cron', 'every fortnight', 'UTC'", "'odd-zone', 'every 1 seconds', 'Mars/Olympus'")) {
      db.execute("INSERT INTO " + gantry.schema() + ".schedules (name, cron, time_zone, kind, next_run_at) VALUES ("
          + row + ", 'k', now() - interval '1 second')");
    }
    schedules().define(ScheduleDefinition.of("fine", "every 1 seconds", "k", null));
    startTicking();

    await().atMost(WAIT).until(() -> jobs("fine") >= 2);
    assertThat(jobs("odd-cron") + jobs("odd-zone")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".schedules WHERE name LIKE 'odd-%' "
        + "AND next_run_at < now() AND last_run_at IS NULL")).as("left as they were").isEqualTo(2);
  }
}
