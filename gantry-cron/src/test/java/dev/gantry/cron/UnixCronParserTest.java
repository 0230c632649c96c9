package dev.gantry.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.schedule.CronExpression;
import dev.gantry.schedule.CronParsers;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnixCronParserTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private final UnixCronParser parser = new UnixCronParser();

  /** The first {@code n} ticks after {@code from}, each found from the one before. */
  private List<Instant> ticks(String cron, ZoneId zone, String from, int n) {
    CronExpression e = parser.parse(cron);
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(from);
    for (int i = 0; i < n; i++) {
      t = e.next(t, zone).orElseThrow(() -> new AssertionError(cron + " stopped firing after " + out));
      out.add(t);
    }
    return out;
  }

  private static List<Instant> instants(String... texts) {
    return java.util.Arrays.stream(texts).map(Instant::parse).toList();
  }

  @Test
  void gantryFindsThisParserOnTheClassPath() {
    assertThat(CronParsers.find()).get().isInstanceOf(UnixCronParser.class);
  }

  @Test
  void fiveFieldUnixCronWithRangesListsStepsAndNames() {
    // 2026-01-01 is a Thursday.
    assertThat(ticks("0 9 * * MON-FRI", UTC, "2026-01-01T00:00:00Z", 3))
        .isEqualTo(instants("2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"));
    assertThat(ticks("*/15 8-9 * * *", UTC, "2026-01-01T08:50:00Z", 3))
        .isEqualTo(instants("2026-01-01T09:00:00Z", "2026-01-01T09:15:00Z", "2026-01-01T09:30:00Z"));
    assertThat(ticks("0 0 1,15 JAN,jul *", UTC, "2026-01-01T00:00:00Z", 3))
        .isEqualTo(instants("2026-01-15T00:00:00Z", "2026-07-01T00:00:00Z", "2026-07-15T00:00:00Z"));
    assertThat(ticks("0 0 * * 0", UTC, "2026-01-01T00:00:00Z", 1)).isEqualTo(ticks("0 0 * * 7", UTC,
        "2026-01-01T00:00:00Z", 1)).isEqualTo(instants("2026-01-04T00:00:00Z"));
  }

  @Test
  void aRestrictedDayOfMonthAndDayOfWeekMeanEitherAsInUnixCron() {
    // The 13th of the month, and every Friday.
    assertThat(ticks("0 0 13 * 5", UTC, "2026-02-01T00:00:00Z", 4)).isEqualTo(instants("2026-02-06T00:00:00Z",
        "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z", "2026-02-27T00:00:00Z"));
  }

  @Test
  void nicknames() {
    String from = "2026-01-01T10:30:00Z";
    assertThat(ticks("@hourly", UTC, from, 1)).isEqualTo(instants("2026-01-01T11:00:00Z"));
    assertThat(ticks("@daily", UTC, from, 1)).isEqualTo(ticks("@midnight", UTC, from, 1))
        .isEqualTo(instants("2026-01-02T00:00:00Z"));
    assertThat(ticks("@weekly", UTC, from, 1)).isEqualTo(instants("2026-01-04T00:00:00Z"));
    assertThat(ticks("@monthly", UTC, from, 1)).isEqualTo(instants("2026-02-01T00:00:00Z"));
    assertThat(ticks("@yearly", UTC, from, 1)).isEqualTo(ticks("@annually", UTC, from, 1))
        .isEqualTo(instants("2027-01-01T00:00:00Z"));
  }

  @Test
  void sixFieldsHaveSecondsFirstAndTicksAreWholeSeconds() {
    assertThat(ticks("* * * * * *", UTC, "2026-01-01T00:00:00.500Z", 3))
        .isEqualTo(instants("2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"));
    assertThat(ticks("*/20 * * * * *", UTC, "2026-01-01T00:00:00Z", 3))
        .isEqualTo(instants("2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"));
    assertThat(ticks("30 0 9 * * MON", UTC, "2026-01-01T00:00:00Z", 1)).isEqualTo(instants("2026-01-05T09:00:30Z"));
  }

  @Test
  void theNextTickIsStrictlyAfterTheInstantGiven() {
    CronExpression everyMinute = parser.parse("* * * * *");
    Instant tick = Instant.parse("2026-01-01T00:01:00Z");
    assertThat(everyMinute.next(tick, UTC)).contains(Instant.parse("2026-01-01T00:02:00Z"));
    assertThat(everyMinute.next(tick.minusNanos(1000), UTC)).contains(tick);
    assertThat(everyMinute.next(tick.plusMillis(1), UTC)).contains(Instant.parse("2026-01-01T00:02:00Z"));
  }

  @Test
  void theFieldsAreLocalTimeInTheZone() {
    // 09:00 local: in winter Berlin is UTC+1 and New York UTC-5; in summer +2 and -4.
    assertThat(ticks("0 9 * * *", BERLIN, "2026-01-10T00:00:00Z", 1)).isEqualTo(instants("2026-01-10T08:00:00Z"));
    assertThat(ticks("0 9 * * *", BERLIN, "2026-07-10T00:00:00Z", 1)).isEqualTo(instants("2026-07-10T07:00:00Z"));
    assertThat(ticks("0 9 * * *", NEW_YORK, "2026-01-10T00:00:00Z", 1)).isEqualTo(instants("2026-01-10T14:00:00Z"));
    assertThat(ticks("0 9 * * *", NEW_YORK, "2026-07-10T00:00:00Z", 1)).isEqualTo(instants("2026-07-10T13:00:00Z"));
    assertThat(ticks("0 9 * * *", ZoneId.of("+05:30"), "2026-01-10T00:00:00Z", 1))
        .isEqualTo(instants("2026-01-10T03:30:00Z"));
  }

  @Test
  void aLocalTimeSkippedWhenTheClocksGoForwardFiresShiftedByTheGapInsteadOfNotAtAll() {
    // Berlin, 2026-03-29: at 02:00 CET (01:00Z) the clocks jump to 03:00 CEST; 02:30 does not exist.
    assertThat(ticks("30 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 3)).isEqualTo(instants(
        "2026-03-29T01:30:00Z", // 03:30 CEST: 02:30 moved on by the hour the clocks skipped
        "2026-03-30T00:30:00Z", // 02:30 CEST
        "2026-03-31T00:30:00Z"));
    // An hourly job fires once an hour through the change: 01:00 CET, 03:00 CEST, 04:00 CEST.
    assertThat(ticks("0 * * * *", BERLIN, "2026-03-28T23:30:00Z", 3))
        .isEqualTo(instants("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    assertThat(ticks("30 2 * * *", NEW_YORK, "2026-03-07T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"));
  }

  @Test
  void aLocalTimeThatHappensTwiceWhenTheClocksGoBackFiresOnceButFrequentTicksGoOnThroughTheRepeatedHour() {
    // Berlin, 2026-10-25: at 03:00 CEST (01:00Z) the clocks go back to 02:00 CET; 02:30 happens twice.
    assertThat(ticks("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    // Every 30 minutes stays every 30 real minutes: 02:00 and 02:30 CEST, then 02:00, 02:30 and 03:00 CET.
    assertThat(ticks("*/30 * * * *", BERLIN, "2026-10-24T23:45:00Z", 5)).isEqualTo(instants("2026-10-25T00:00:00Z",
        "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"));
    // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 fires at its first occurrence only.
    assertThat(ticks("30 1 * * *", NEW_YORK, "2026-10-31T12:00:00Z", 2))
        .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
  }

  @Test
  void anExpressionThatNeverMatchesADateNeverFires() {
    assertThat(parser.parse("0 0 30 2 *").next(Instant.parse("2026-01-01T00:00:00Z"), UTC)).isEmpty();
    assertThat(parser.parse("0 0 31 4,6 *").next(Instant.parse("2026-01-01T00:00:00Z"), BERLIN)).isEmpty();
  }

  @Test
  void invalidExpressionsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> parser.parse("* * * *")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds "
            + "first; got 4");
    assertThatThrownBy(() -> parser.parse("0 0 0 0 0 0 0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got 7");
    assertThatThrownBy(() -> parser.parse("0 24 * * *")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Value 24 not in range [0, 23]");
    assertThatThrownBy(() -> parser.parse("60 * * * * *")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("60");
    for (String notUnix : List.of("0 0 L * *", "0 0 ? * *", "0 0 * * 1#2", "@reboot", "a b c d e", "5-1 * * * *", " ")) {
      assertThatThrownBy(() -> parser.parse(notUnix)).as(notUnix).isInstanceOf(IllegalArgumentException.class)
          .message().isNotBlank().doesNotStartWith("Failed to parse");
    }
  }
}
