package dev.gantry.examples.upload;

import dev.gantry.Gantry;
import dev.gantry.worker.Worker;

/** Starts a worker node that runs the upload flow's two kinds of job on the {@code default} queue. */
public final class UploadWorker {
  private UploadWorker() {}

  /**
   * @param concurrency file jobs hashed at once on this node
   * @param storeMillis how long storing one file takes ({@link FileHasher})
   */
  public static Worker start(Gantry gantry, Uploads uploads, FinishedUploads finished, int concurrency,
      long storeMillis) {
    return gantry.worker()
        .queue("default", concurrency)
        .handler(FileHasher.KIND, FileArgs.class, new FileHasher(storeMillis))
        .handler(UploadFinisher.KIND, FinishArgs.class, new UploadFinisher(gantry.batches(), uploads, finished))
        .start();
  }
}
