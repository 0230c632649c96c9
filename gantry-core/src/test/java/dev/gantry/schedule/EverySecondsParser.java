package dev.gantry.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cron parser of gantry-core's own tests, which cannot use gantry-cron (it depends on core):
 * {@code every N seconds} fires at every instant whose epoch second is a multiple of N, in any
 * zone; {@code never} never fires. Registered for core's tests only, through
 * {@code src/test/cron-parser} on Surefire's class path (kept out of the test jar that
 * gantry-server's tests use with the real parser).
 */
public final class EverySecondsParser implements CronParser {
  private static final Pattern EVERY = Pattern.compile("every (\\d{1,6}) seconds?");

  @Override
  public CronExpression parse(String expression) {
    if (expression.equals("never")) {
      return (after, zone) -> Optional.empty();
    }
    Matcher m = EVERY.matcher(expression);
    if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
      throw new IllegalArgumentException("expected 'every N seconds' (N at least 1) or 'never'");
    }
    return every(Integer.parseInt(m.group(1)));
  }

  static CronExpression every(long seconds) {
    return (Instant after, ZoneId zone) ->
        Optional.of(Instant.ofEpochSecond(Math.floorDiv(after.getEpochSecond(), seconds) * seconds + seconds));
  }
}
