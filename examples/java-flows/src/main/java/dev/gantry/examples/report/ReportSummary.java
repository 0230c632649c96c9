package dev.gantry.examples.report;

import java.util.List;

/**
 * The result of {@code report.build}: the month's report, made from its image jobs' results.
 *
 * @param images the thumbnails, in the order of the workflow's steps
 * @param thumbnailPixels the thumbnails' pixels, all together
 */
public record ReportSummary(String month, List<ResizedImage> images, long thumbnailPixels) {
  public ReportSummary {
    images = List.copyOf(images);
  }
}
