package dev.gantry.server.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests that hold their thread for long (long-polls, event streams): when the server stops,
 * each one is interrupted at once, so that stopping does not wait up to a minute for them.
 */
public final class LongRequests {
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /** The blocking part of a long request; it is interrupted when the server stops. */
  public interface Body {
    void run() throws InterruptedException;
  }

  /**
   * Runs {@code body} on this thread, interruptible by {@link #stop()}.
   *
   * @throws ProblemException 503 if the server is stopping, or stopped while {@code body} waited
   *     and {@code body} let the interrupt out (a body that has begun its response must catch it
   *     and end the response itself)
   */
  public void run(Body body) {
    Thread self = Thread.currentThread();
    threads.add(self);
    try {
      // Checked after joining the set: a stop() that comes after this check interrupts us.
      if (stopping) {
        throw stopping();
      }
      body.run();
    } catch (InterruptedException e) {
      throw stopping();
    } finally {
      threads.remove(self);
      Thread.interrupted(); // an interrupt meant for this request must not reach the next one on this thread
    }
  }

  /** Interrupts every long request under way and refuses new ones with 503. */
  public void stop() {
    stopping = true;
    threads.forEach(Thread::interrupt);
  }

  private static ProblemException stopping() {
    return new ProblemException(Problems.unavailable("the server is stopping; retry the request"));
  }
}
