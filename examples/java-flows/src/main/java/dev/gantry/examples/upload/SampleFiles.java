package dev.gantry.examples.upload;

import dev.gantry.examples.support.TempDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The files a user "uploaded": small files of random bytes in a fresh temporary directory, which
 * {@link #close()} deletes. On request some of them are empty, which {@link FileHasher} refuses.
 */
public final class SampleFiles implements AutoCloseable {
  private static final int MIN_BYTES = 256 * 1024;
  private static final int MAX_BYTES = 2 * 1024 * 1024;

  private final Path directory;
  private final List<Path> files;

  private SampleFiles(Path directory, List<Path> files) {
    this.directory = directory;
    this.files = List.copyOf(files);
  }

  /**
   * Writes {@code count} files named {@code photo-01.jpg} ... of 256 KiB to 2 MiB each.
   *
   * @param empty how many of them are empty (spread over the upload, not all at its end)
   * @throws IllegalArgumentException if {@code empty} is more than {@code count}
   */
  public static SampleFiles create(int count, int empty) throws IOException {
    if (count < 1 || empty < 0 || empty > count) {
      throw new IllegalArgumentException("need at least one file and 0 to " + count + " empty ones, got " + count
          + " files with " + empty + " empty");
    }
    Path directory = Files.createTempDirectory("gantry-upload-");
    // Seeded, so that every run uploads the same bytes and prints the same digests.
    Random random = new Random(42);
    List<Path> files = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      byte[] bytes = new byte[isEmpty(i, count, empty) ? 0 : MIN_BYTES + random.nextInt(MAX_BYTES - MIN_BYTES)];
      random.nextBytes(bytes);
      files.add(Files.write(directory.resolve(String.format("photo-%02d.jpg", i)), bytes));
    }
    return new SampleFiles(directory, files);
  }

  /** Whether file {@code i} (1-based) is one of the {@code empty} ones, evenly spaced. */
  private static boolean isEmpty(int i, int count, int empty) {
    for (int k = 1; k <= empty; k++) {
      if (i == (int) Math.ceil((double) k * count / (empty + 1))) {
        return true;
      }
    }
    return false;
  }

  public Path directory() {
    return directory;
  }

  public List<Path> files() {
    return files;
  }

  /** Deletes the directory and its files. */
  @Override
  public void close() {
    TempDirectories.delete(directory);
  }
}
