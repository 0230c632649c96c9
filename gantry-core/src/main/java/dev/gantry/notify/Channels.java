package dev.gantry.notify;

/**
 * The NOTIFY channel names of one Gantry schema; the migrations' triggers and statements use the
 * same names ({@code <schema>_wakeup}, {@code <schema>_control}, {@code <schema>_finished},
 * {@code <schema>_changed}, {@code <schema>_batch}).
 */
public record Channels(String wakeup, String control, String finished, String changed, String batch) {
  public static Channels forSchema(String schema) {
    return new Channels(schema + "_wakeup", schema + "_control", schema + "_finished", schema + "_changed",
        schema + "_batch");
  }
}
