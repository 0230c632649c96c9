package dev.gantry.examples.upload;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the thread that started an upload when the completion callback, running on a worker of
 * the same process, has marked it finished. (Gantry reports the batch finishing, but not when its
 * callback job ran: that is this application's to say. A web application would instead read the
 * {@code uploads} row when asked.)
 */
public final class FinishedUploads {
  private final ConcurrentHashMap<String, CompletableFuture<Upload>> pending = new ConcurrentHashMap<>();

  /** Completes with the upload as the callback left it; the callback may come before or after this call. */
  public CompletableFuture<Upload> of(String uploadId) {
    return pending.computeIfAbsent(uploadId, id -> new CompletableFuture<>());
  }

  /** Called by the callback once it has written the upload's final status. */
  public void finished(Upload upload) {
    of(upload.id()).complete(upload);
  }

  /** Drops the upload's entry once nobody waits for it any more. */
  public void forget(String uploadId) {
    pending.remove(uploadId);
  }
}
