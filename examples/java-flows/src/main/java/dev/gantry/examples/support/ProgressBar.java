package dev.gantry.examples.support;

import dev.gantry.batch.Batch;
import java.util.Locale;

/**
 * Draws a batch's progress as one line of text:
 * {@code upload u-1a2b3c4d: [##########..........]  50 %  20/40 files}.
 *
 * @param label what the batch is, shown first
 * @param unit what its members are, for the count ("files", "steps")
 * @param width characters between the brackets
 */
public record ProgressBar(String label, String unit, int width) {
  public ProgressBar {
    if (width < 1) {
      throw new IllegalArgumentException("width must be at least 1, got " + width);
    }
  }

  public String render(Batch batch) {
    // Rounded down, so the bar is full only when every member has finished.
    int filled = batch.total() == 0 ? width : (int) ((long) width * batch.finished() / batch.total());
    StringBuilder line = new StringBuilder(label).append(": [")
        .append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ")
        .append(String.format(Locale.ROOT, "%3d %%  %d/%d %s", (int) Math.floor(batch.percent()), batch.finished(),
            batch.total(), unit));
    if (batch.dead() > 0) {
      line.append(", ").append(batch.dead()).append(" failed");
    }
    if (batch.cancelled() > 0) {
      line.append(", ").append(batch.cancelled()).append(" cancelled");
    }
    return line.toString();
  }
}
