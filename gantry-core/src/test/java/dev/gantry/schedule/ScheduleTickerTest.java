package dev.gantry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.events.JobEvent;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules ticked by several worker nodes at once, each with its own pool and Gantry instance as
 * separate applications would be: every tick enqueues exactly one job, none is missing, and after
 * every node was down the missed ticks are skipped or caught up with one job, as the schedule says.
 */
class ScheduleTickerTest {
  private static final Logger log = LoggerFactory.getLogger(ScheduleTickerTest.class);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final TestDatabase db = TestDatabase.get();
  private final String schema = db.newSchema();
  private final List<TestNode> nodes = new ArrayList<>();
  /** Defines and reads the schedules, on the test's own pool: it outlives every node. */
  private final Gantry client = Gantry.builder(db.dataSource()).schema(schema).build();

  @AfterEach
  void tearDown() {
    nodes.forEach(TestNode::close);
    client.close();
  }

  /** Starts maintenance-only nodes that tick every {@code interval} (short: they contend for every tick). */
  private List<TestNode> startNodes(String prefix, int n, Duration interval) {
    List<TestNode> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestNode node = TestNode.create(schema, prefix + i, 4).startWorker(b -> b.scheduleInterval(interval));
      nodes.add(node);
      started.add(node);
    }
    return started;
  }

  private void stop(List<TestNode> stopped) {
    stopped.forEach(TestNode::close);
    nodes.removeAll(stopped);
  }

  /** How many jobs each tick of the schedule got, by tick. */
  private Map<Instant, Long> jobsPerTick(String schedule) {
    Map<Instant, Long> out = new LinkedHashMap<>();
    for (String row : db.queryStrings("SELECT (metadata->>'scheduled_for') || ' ' || count(*) FROM " + schema
        + ".all_jobs WHERE metadata->>'schedule' = '" + schedule + "' GROUP BY metadata->>'scheduled_for' ORDER BY 1")) {
      String[] parts = row.split(" ");
      out.put(Instant.parse(parts[0]), Long.parseLong(parts[1]));
    }
    return out;
  }

  private List<Instant> catchUps(String schedule) {
    return db.queryStrings("SELECT metadata->>'scheduled_for' FROM " + schema + ".all_jobs WHERE metadata->>'schedule' = '"
        + schedule + "' AND (metadata->>'catch_up')::boolean ORDER BY 1").stream().map(Instant::parse).toList();
  }

  private long ticksAfter(String schedule, Instant after) {
    return jobsPerTick(schedule).keySet().stream().filter(t -> t.isAfter(after)).count();
  }

  private static void assertEverySecondOnce(Map<Instant, Long> perTick, Instant from, Instant to) {
    List<Instant> expected = new ArrayList<>();
    for (Instant t = from; !t.isAfter(to); t = t.plusSeconds(1)) {
      expected.add(t);
    }
    Map<Instant, Long> window = new LinkedHashMap<>();
    perTick.forEach((tick, n) -> {
      if (!tick.isBefore(from) && !tick.isAfter(to)) {
        window.put(tick, n);
      }
    });
    assertThat(window.keySet()).as("a job for every tick from %s to %s", from, to).containsExactlyElementsOf(expected);
    assertThat(window.values()).as("exactly one job per tick").containsOnly(1L);
  }

  @Test
  void fourNodesTickingTogetherEnqueueExactlyOneJobPerTick() {
    List<TestNode> four = startNodes("node-", 4, Duration.ofMillis(20));
    Schedules schedules = client.schedules();
    schedules.define(ScheduleDefinition.of("every-second", "every 1 seconds", "tick", null));
    schedules.define(ScheduleDefinition.of("every-two", "every 2 seconds", "tick", null));

    await().atMost(WAIT).until(() -> jobsPerTick("every-second").size() >= 12);
    stop(four);

    Map<Instant, Long> perTick = jobsPerTick("every-second");
    List<Instant> ticks = new ArrayList<>(perTick.keySet());
    assertEverySecondOnce(perTick, ticks.getFirst(), ticks.getLast());
    Map<Instant, Long> everyTwo = jobsPerTick("every-two");
    assertThat(everyTwo).isNotEmpty();
    assertThat(everyTwo.values()).containsOnly(1L);
    assertThat(everyTwo.keySet()).allSatisfy(t -> assertThat(t.getEpochSecond() % 2).isZero());
    assertThat(everyTwo.size()).isBetween(ticks.size() / 2 - 1, ticks.size() / 2 + 1);

    Schedule s = schedules.get("every-second").orElseThrow();
    assertThat(s.lastRunAt()).isEqualTo(ticks.getLast());
    assertThat(s.nextRunAt()).isEqualTo(ticks.getLast().plusSeconds(1));
    List<Long> enqueuedByNode = four.stream()
        .map(n -> (long) n.events().of(JobEvent.Enqueued.class).size()).toList();
    assertThat(enqueuedByNode.stream().mapToLong(Long::longValue).sum()).isEqualTo(perTick.size() + everyTwo.size());
    log.info("{} ticks of an every-second schedule and {} of an every-two-seconds one, enqueued by 4 nodes as {}",
        perTick.size(), everyTwo.size(), enqueuedByNode);
  }

  @Test
  void afterEveryNodeWasDownSkipEnqueuesNothingForTheMissedTicksAndRunOnceOneCatchUpJob() {
    Duration grace = Duration.ofSeconds(2);
    List<TestNode> first = startNodes("first-", 2, Duration.ofMillis(50));
    Schedules schedules = client.schedules();
    schedules.define(ScheduleDefinition.of("skip", "every 1 seconds", "tick", null).withGrace(grace));
    schedules.define(ScheduleDefinition.of("once", "every 1 seconds", "tick", null).withGrace(grace)
        .withMissed(MissedTicks.RUN_ONCE));
    await().atMost(WAIT).until(() -> jobsPerTick("skip").size() >= 3 && jobsPerTick("once").size() >= 3);

    stop(first);
    Instant stopped = db.now();
    Instant lastSkip = schedules.get("skip").orElseThrow().lastRunAt();
    Instant lastOnce = schedules.get("once").orElseThrow().lastRunAt();
    // Down for 6 ticks, so that at least 3 of them are more than the grace late at the restart.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> db.now().isAfter(stopped.plusSeconds(6)));
    Instant restarted = db.now();
    List<TestNode> second = startNodes("second-", 2, Duration.ofMillis(50));
    await().atMost(WAIT).until(() -> ticksAfter("skip", restarted) >= 4 && ticksAfter("once", restarted) >= 4);
    stop(second);

    Instant missedBefore = restarted.minus(grace); // ticks before this were more than the grace late
    Map<Instant, Long> skip = jobsPerTick("skip");
    assertThat(skip.values()).containsOnly(1L);
    assertThat(skip.keySet()).as("no job for a tick missed while every node was down")
        .noneMatch(t -> t.isAfter(lastSkip) && t.isBefore(missedBefore));
    assertThat(catchUps("skip")).isEmpty();
    Instant resumedSkip = skip.keySet().stream().filter(t -> t.isAfter(lastSkip)).findFirst().orElseThrow();
    assertEverySecondOnce(skip, resumedSkip, new ArrayList<>(skip.keySet()).getLast());

    Map<Instant, Long> once = jobsPerTick("once");
    assertThat(once.values()).containsOnly(1L);
    List<Instant> catchUp = catchUps("once");
    assertThat(catchUp).as("one job for all the missed ticks").hasSize(1);
    // For the latest tick more than the grace late when it was enqueued (at the database's now()).
    Instant caughtUpAt = Instant.parse(db.queryStrings("SELECT to_json(created_at)#>>'{}' FROM " + schema
        + ".all_jobs WHERE (metadata->>'catch_up')::boolean").getFirst());
    assertThat(catchUp.getFirst()).isAfter(lastOnce.plusSeconds(1))
        .isBeforeOrEqualTo(caughtUpAt.minus(grace)).isAfter(caughtUpAt.minus(grace).minusSeconds(1));
    assertThat(once.keySet()).as("no other job for a missed tick")
        .noneMatch(t -> t.isAfter(lastOnce) && t.isBefore(missedBefore) && !t.equals(catchUp.getFirst()));
    Instant resumedOnce = once.keySet().stream().filter(t -> t.isAfter(catchUp.getFirst())).findFirst().orElseThrow();
    assertThat(resumedOnce).isEqualTo(catchUp.getFirst().plusSeconds(1));
    assertEverySecondOnce(once, resumedOnce, new ArrayList<>(once.keySet()).getLast());
    log.info("down from {} to {}: 'skip' went from tick {} to {}, 'once' from {} to a catch-up for {} then {}", stopped,
        restarted, lastSkip, resumedSkip, lastOnce, catchUp.getFirst(), resumedOnce);
  }

  @Test
  void ticksAreDecidedOnTheDatabaseClockNotTheNodes() {
    for (int offsetHours : new int[] {3, -3}) {
      // The node's connections see now() moved by the offset (as in DatabaseClockSkewTest); its JVM clock is real.
      String skewed = db.newSchema();
      db.execute("CREATE SCHEMA " + skewed + "_clock");
      db.execute("CREATE FUNCTION " + skewed + "_clock.now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ "
          + "SELECT pg_catalog.now() + interval '" + offsetHours + " hours' $$");
      TestNode node = TestNode.create(skewed, "skewed", 4, "SET search_path = " + skewed + "_clock, pg_catalog")
          .startWorker(b -> b.scheduleInterval(Duration.ofMillis(100)));
      nodes.add(node);
      Instant jvmNow = Instant.now();
      Schedule defined = node.gantry().schedules()
          .define(ScheduleDefinition.of("skewed", "every 1 seconds", "tick", null)).schedule();
      assertThat(Duration.between(jvmNow.plus(Duration.ofHours(offsetHours)), defined.nextRunAt()).abs())
          .as("the first tick is the database's next second").isLessThan(Duration.ofMinutes(1));

      await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM " + skewed + ".jobs") >= 3);
      stop(List.of(node));
      List<String> rows = db.queryStrings("SELECT (metadata->>'scheduled_for') || ' ' || (to_json(created_at)#>>'{}') FROM "
          + skewed + ".jobs ORDER BY 1");
      Instant previous = null;
      for (String row : rows) {
        Instant tick = Instant.parse(row.split(" ")[0]);
        Instant created = Instant.parse(row.split(" ")[1]);
        assertThat(created).as("enqueued at or after its tick by the database clock").isAfterOrEqualTo(tick)
            .isBefore(tick.plusSeconds(2));
        if (previous != null) {
          assertThat(tick).as("one tick a second, none skipped or run early").isEqualTo(previous.plusSeconds(1));
        }
        previous = tick;
      }
      assertThat(rows.getFirst().split(" ")[0]).isEqualTo(defined.nextRunAt().toString());
    }
  }
}
