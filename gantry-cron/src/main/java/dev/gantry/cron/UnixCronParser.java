package dev.gantry.cron;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import dev.gantry.schedule.CronExpression;
import dev.gantry.schedule.CronParser;

/**
 * Gantry's cron parser (found by {@link java.util.ServiceLoader}), on cron-utils: standard 5-field
 * Unix cron ({@code minute hour day-of-month month day-of-week}, with lists, ranges, steps, month
 * and day names, 0 or 7 for Sunday, and a day-of-month and a day-of-week both restricted meaning
 * either), the nicknames {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}, and a
 * 6-field form with seconds first ({@code second minute hour day-of-month month day-of-week}).
 * Quartz's {@code ? L W #} are not Unix cron and are refused.
 */
public final class UnixCronParser implements CronParser {
  private static final com.cronutils.parser.CronParser FIVE_FIELDS = new com.cronutils.parser.CronParser(fields(false));
  private static final com.cronutils.parser.CronParser SIX_FIELDS = new com.cronutils.parser.CronParser(fields(true));

  /** cron-utils' own Unix definition, with the nicknames, and optionally a seconds field first. */
  private static CronDefinition fields(boolean seconds) {
    CronDefinitionBuilder b = CronDefinitionBuilder.defineCron();
    if (seconds) {
      b.withSeconds().withValidRange(0, 59).withStrictRange().and();
    } else {
      b.withSupportedNicknameYearly().withSupportedNicknameAnnually().withSupportedNicknameMonthly()
          .withSupportedNicknameWeekly().withSupportedNicknameDaily().withSupportedNicknameMidnight()
          .withSupportedNicknameHourly();
    }
    return b.withMinutes().withValidRange(0, 59).withStrictRange().and()
        .withHours().withValidRange(0, 23).withStrictRange().and()
        .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
        .withMonth().withValidRange(1, 12).withStrictRange().and()
        .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
        .instance();
  }

  @Override
  public CronExpression parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("the expression is empty");
    }
    String text = expression.strip();
    int fields = text.split("\\s+").length;
    com.cronutils.parser.CronParser parser;
    if (text.startsWith("@") || fields == 5) {
      parser = FIVE_FIELDS;
    } else if (fields == 6) {
      parser = SIX_FIELDS;
    } else {
      throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day-of-month month day-of-week), "
          + "or 6 with seconds first; got " + fields);
    }
    Cron cron;
    try {
      cron = parser.parse(text).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(reason(e), e);
    }
    return new ZonedCron(ExecutionTime.forCron(cron));
  }

  /** cron-utils' message without its boilerplate: "Value 24 not in range [0, 23]". */
  private static String reason(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "not a cron expression" : e.getMessage();
    return message.replaceFirst("^Failed to parse cron expression\\.\\s*", "");
  }
}
