package dev.gantry.webhook;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the first bytes of a response body as text (control characters replaced), and reads the
 * rest without keeping it: a receiver's error message helps whoever reads the delivery's last
 * error, and a huge body must cost no memory.
 */
final class BodyStart implements BodySubscriber<String> {
  static final int LIMIT = 300;

  private final byte[] kept = new byte[LIMIT];
  private int length;
  private final CompletableFuture<String> result = new CompletableFuture<>();

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = Math.min(b.remaining(), LIMIT - length);
      b.get(kept, length, n);
      length += n;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    String text = new String(kept, 0, length, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
    result.complete(length == LIMIT ? text + "..." : text);
  }
}
