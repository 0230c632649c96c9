package dev.gantry.examples.report;

/**
 * The arguments of the {@code report.build} and {@code report.publish} jobs.
 *
 * @param month the month reported on, {@code 2026-11}
 */
public record MonthArgs(String month) {}
