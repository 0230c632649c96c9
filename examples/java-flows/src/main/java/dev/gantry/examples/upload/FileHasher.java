package dev.gantry.examples.upload;

import dev.gantry.worker.JobContext;
import dev.gantry.worker.JobHandler;
import dev.gantry.worker.PermanentFailure;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Runs {@code upload.file}: reads one uploaded file, computes its SHA-256 and returns a
 * {@link FileDigest}, reporting its progress as it reads. An empty file is refused for good
 * ({@link PermanentFailure}): no retry can make it valid. Any other failure, such as a file not
 * readable yet, is retried. After hashing, the file is "stored": a pause of {@code storeMillis}
 * stands in for copying it to object storage, so that the progress bar has something to follow.
 */
public final class FileHasher implements JobHandler<FileArgs> {
  public static final String KIND = "upload.file";
  private static final int CHUNK = 16 * 1024;

  private final long storeMillis;

  /** @param storeMillis how long storing one file takes (0: at once) */
  public FileHasher(long storeMillis) {
    this.storeMillis = storeMillis;
  }

  @Override
  public FileDigest handle(FileArgs args, JobContext ctx) throws Exception {
    Path file = Path.of(args.path());
    long size = Files.size(file);
    if (size == 0) {
      throw new PermanentFailure(file.getFileName() + " is empty: nothing to store");
    }
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    long read = 0;
    int reported = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[CHUNK];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        read += n;
        int percent = (int) (100 * read / size);
        // Every progress call is a database write: report each quarter, not each chunk.
        if (percent / 25 > reported / 25) {
          ctx.progress(percent, "hashed " + read + " of " + size + " bytes");
          reported = percent;
        }
      }
    }
    if (storeMillis > 0) {
      Thread.sleep(storeMillis); // the stand-in for the upload to storage; cancellation interrupts it
    }
    return new FileDigest(file.getFileName().toString(), read, HexFormat.of().formatHex(sha256.digest()));
  }
}
