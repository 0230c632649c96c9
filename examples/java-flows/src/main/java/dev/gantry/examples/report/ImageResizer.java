package dev.gantry.examples.report;

import dev.gantry.worker.JobContext;
import dev.gantry.worker.JobHandler;
import dev.gantry.worker.PermanentFailure;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Runs {@code image.resize}: scales one picture down to a thumbnail at most {@code maxWidth}
 * pixels wide, writes it to the thumbnail directory, and returns its size. A file that is not an
 * image fails for good ({@link PermanentFailure}): reading it again would not help.
 */
public final class ImageResizer implements JobHandler<ResizeArgs> {
  public static final String KIND = "image.resize";

  private final Path images;
  private final Path thumbnails;
  private final int maxWidth;

  /**
   * @param images where the pictures are
   * @param thumbnails where the thumbnails go (created if missing)
   */
  public ImageResizer(Path images, Path thumbnails, int maxWidth) {
    this.images = images.toAbsolutePath().normalize();
    this.thumbnails = thumbnails;
    this.maxWidth = maxWidth;
  }

  @Override
  public ResizedImage handle(ResizeArgs args, JobContext ctx) throws Exception {
    // The name comes from a job's arguments: it must not lead out of the pictures' directory.
    Path source = images.resolve(args.image()).normalize();
    if (!source.startsWith(images)) {
      throw new PermanentFailure(args.image() + " is not a picture of this report");
    }
    BufferedImage original = ImageIO.read(source.toFile());
    if (original == null) {
      throw new PermanentFailure(args.image() + " is not an image ImageIO can read");
    }
    int width = Math.min(maxWidth, original.getWidth());
    int height = Math.max(1, Math.round((float) original.getHeight() * width / original.getWidth()));
    BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = thumbnail.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(original, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    Files.createDirectories(thumbnails);
    ImageIO.write(thumbnail, "png", thumbnails.resolve(args.image()).toFile());
    ctx.progress(100, "thumbnail " + width + "x" + height);
    return new ResizedImage(args.image(), width, height);
  }
}
