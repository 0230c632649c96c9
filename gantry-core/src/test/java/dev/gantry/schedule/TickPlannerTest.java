package dev.gantry.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The tick arithmetic alone, on the test parser's every-N-seconds expressions. */
class TickPlannerTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final CronExpression EVERY_10S = EverySecondsParser.every(10);
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Test
  void aTickWithinItsGraceRunsAndTheScheduleMovesToTheTickAfterIt() {
    for (Duration late : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), GRACE}) {
      TickPlan plan = TickPlanner.plan(EVERY_10S, UTC, T, T.plus(late), GRACE, MissedTicks.SKIP);
      assertThat(plan).as("%s late", late).isEqualTo(new TickPlan(T, false, T.plusSeconds(10), null, null));
    }
  }

  @Test
  void ticksOlderThanTheGraceAreSkippedAndTheScheduleGoesOnWithTheFirstTickWithinIt() {
    Instant now = T.plusSeconds(95); // ticks 0..60 are older than 30 s; 70, 80, 90 are within it
    TickPlan plan = TickPlanner.plan(EVERY_10S, UTC, T, now, GRACE, MissedTicks.SKIP);

    assertThat(plan.tick()).isNull();
    assertThat(plan.catchUp()).isFalse();
    assertThat(plan.next()).isEqualTo(T.plusSeconds(70));
    assertThat(plan.firstMissed()).isEqualTo(T);
    assertThat(plan.lastMissed()).isEqualTo(T.plusSeconds(60));
  }

  @Test
  void runOnceEnqueuesOneJobForTheLatestMissedTick() {
    Instant now = T.plusSeconds(95);
    TickPlan plan = TickPlanner.plan(EVERY_10S, UTC, T, now, GRACE, MissedTicks.RUN_ONCE);

    assertThat(plan).isEqualTo(new TickPlan(T.plusSeconds(60), true, T.plusSeconds(70), T, T.plusSeconds(60)));
  }

  @Test
  void aSingleMissedTickIsItsOwnLatest() {
    Instant now = T.plusSeconds(35); // tick 0 is missed; 10, 20, 30 are within the grace
    TickPlan plan = TickPlanner.plan(EVERY_10S, UTC, T, now, GRACE, MissedTicks.RUN_ONCE);

    assertThat(plan).isEqualTo(new TickPlan(T, true, T.plusSeconds(10), T, T));
  }

  @Test
  void theLatestMissedTickIsFoundWithoutWalkingEveryTick() {
    CronExpression everySecond = EverySecondsParser.every(1);
    int[] calls = new int[1];
    CronExpression counted = (after, zone) -> {
      calls[0]++;
      return everySecond.next(after, zone);
    };
    Instant now = T.plus(Duration.ofDays(30)).plusMillis(250); // 2.6 million ticks missed

    TickPlan plan = TickPlanner.plan(counted, UTC, T, now, GRACE, MissedTicks.RUN_ONCE);

    assertThat(plan.tick()).isEqualTo(T.plus(Duration.ofDays(30)).minus(GRACE));
    assertThat(plan.next()).isEqualTo(plan.tick().plusSeconds(1));
    assertThat(calls[0]).isLessThan(50);
  }

  @Test
  void anExpressionThatStopsFiringLeavesNoNextTick() {
    CronExpression once = (after, zone) -> after.isBefore(T) ? java.util.Optional.of(T) : java.util.Optional.empty();
    assertThat(TickPlanner.plan(once, UTC, T, T, GRACE, MissedTicks.SKIP))
        .isEqualTo(new TickPlan(T, false, null, null, null));
    assertThat(TickPlanner.plan(once, UTC, T, T.plusSeconds(60), GRACE, MissedTicks.RUN_ONCE))
        .isEqualTo(new TickPlan(T, true, null, T, T));
  }

  @Test
  void withoutAParserOnTheClassPathNoneIsFoundAndTheMessageSaysWhatToAdd() throws Exception {
    try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
      assertThat(CronParsers.load(bare)).isEmpty();
    }
    assertThat(CronParsers.MISSING).contains("dev.gantry:gantry-cron");
    assertThat(CronParsers.find()).get().isInstanceOf(EverySecondsParser.class);
  }
}
