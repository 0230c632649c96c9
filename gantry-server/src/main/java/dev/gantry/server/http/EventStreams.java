package dev.gantry.server.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes a Server-Sent Events response from a queue of changes, as the job and batch event
 * streams do: one event per change ({@code id:} counting up, {@code event:}, {@code data:} one
 * line of JSON), a {@code : keep-alive} comment after each quiet interval (whose failed write finds
 * a client that went away), and the end of the stream after the last change.
 */
public final class EventStreams {
  public static final String CONTENT_TYPE = "text/event-stream";
  private static final long MAX_EVENT_ID = 1L << 53; // exact in every client's number type

  private EventStreams() {}

  /**
   * Sends events until {@code isLast} holds for one, the client goes away, or the server stops.
   *
   * @param firstId the first event's id (after a reconnection, the client's Last-Event-ID plus one)
   * @param view the JSON to send for a change
   */
  public static <T> void send(HttpServletResponse res, BlockingQueue<T> changes, long firstId, Duration keepAlive,
      String event, Function<T, Object> view, Predicate<T> isLast) {
    res.setStatus(200);
    res.setContentType(CONTENT_TYPE);
    res.setCharacterEncoding("UTF-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no"); // nginx: pass events on as they come
    long eventId = firstId;
    try {
      OutputStream out = res.getOutputStream();
      while (true) {
        T change = changes.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        if (change == null) {
          write(out, ": keep-alive\n\n");
          continue;
        }
        String data = new String(ApiJson.write(view.apply(change)), StandardCharsets.UTF_8);
        write(out, "id: " + eventId++ + "\nevent: " + event + "\ndata: " + data + "\n\n");
        if (isLast.test(change)) {
          return;
        }
      }
    } catch (IOException clientGone) {
      // The client closed the stream; the caller's watch closes as the request ends.
    } catch (InterruptedException serverStopping) {
      // The response has begun, so no 503: the stream just ends, and the client reconnects elsewhere.
    }
  }

  /** The client's {@code Last-Event-ID}, or 0 when it has none (or one this server did not send). */
  public static long lastEventId(String header) {
    if (header == null || !header.matches("[0-9]{1,15}")) {
      return 0;
    }
    long id = Long.parseLong(header);
    return id < MAX_EVENT_ID ? id : 0;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
