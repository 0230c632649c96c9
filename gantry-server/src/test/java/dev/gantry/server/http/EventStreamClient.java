package dev.gantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client of one Server-Sent Events stream: parses events and comments as they arrive, on a thread of its own. */
final class EventStreamClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event: its id, type and data. */
  record Event(String id, String event, String data) {
    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException("event data is not JSON: " + data, e);
      }
    }
  }

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private Thread reader;

  EventStreamClient(HttpResponse<InputStream> response) {
    this.response = response;
    if (response.statusCode() == 200) {
      reader = Thread.ofVirtual().start(this::read);
    }
  }

  int status() {
    return response.statusCode();
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The whole body, for a response that is not a stream. */
  String readAll() {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, event, data.toString()));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(6));
        } else {
          throw new IllegalStateException("not a line of an event stream: " + line);
        }
      }
    } catch (IOException closed) {
      // closed by close(), or the connection broke: the stream has ended either way
    } finally {
      ended.countDown();
    }
  }

  /** The next event, waiting at most {@code timeout}; fails if none came. */
  Event next(Duration timeout) throws InterruptedException {
    Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + timeout + "; comments so far: " + comments);
    }
    return e;
  }

  /** True if the server ended the stream within {@code timeout}. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Events received and not yet taken by {@link #next}. */
  List<Event> pending() {
    return List.copyOf(events);
  }

  List<String> comments() {
    return List.copyOf(comments);
  }

  /** Hangs up: closes the connection. */
  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
