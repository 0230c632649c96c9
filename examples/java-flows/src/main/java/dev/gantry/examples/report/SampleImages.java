package dev.gantry.examples.report;

import dev.gantry.examples.support.TempDirectories;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The month's pictures: PNG files {@code a.png}, {@code b.png} ... of different sizes in a fresh
 * temporary directory, which {@link #close()} deletes with everything written next to them. On
 * request some are broken (not images at all), which {@link ImageResizer} refuses.
 */
public final class SampleImages implements AutoCloseable {
  private static final int[][] SIZES = {{1600, 1200}, {1024, 768}, {2000, 800}, {800, 1200}, {1280, 720}, {640, 480}};

  private final Path directory;
  private final List<String> images;

  private SampleImages(Path directory, List<String> images) {
    this.directory = directory;
    this.images = List.copyOf(images);
  }

  /**
   * Draws {@code count} images, 1 to 26.
   *
   * @param broken how many of them, counted from the last, are not images
   */
  public static SampleImages create(int count, int broken) throws IOException {
    if (count < 1 || count > 26 || broken < 0 || broken > count) {
      throw new IllegalArgumentException("need 1 to 26 images with 0 to all of them broken, got " + count
          + " images with " + broken + " broken");
    }
    Path directory = Files.createTempDirectory("gantry-report-");
    List<String> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = (char) ('a' + i) + ".png";
      Path file = directory.resolve(name);
      if (i >= count - broken) {
        Files.writeString(file, "this upload was cut short", StandardCharsets.UTF_8);
      } else {
        int[] size = SIZES[i % SIZES.length];
        ImageIO.write(draw(size[0], size[1], i), "png", file.toFile());
      }
      images.add(name);
    }
    return new SampleImages(directory, images);
  }

  private static BufferedImage draw(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(seed / 7f, 0.6f, 0.9f), width, height, Color.DARK_GRAY));
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  public Path directory() {
    return directory;
  }

  /** The images' file names, in order. */
  public List<String> images() {
    return images;
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() {
    TempDirectories.delete(directory);
  }
}
