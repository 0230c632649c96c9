package dev.gantry.examples.report;

/**
 * The result of {@code report.publish}.
 *
 * @param file where the report was written
 * @param images how many pictures it shows
 */
public record PublishedReport(String month, String file, int images) {}
