package dev.gantry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP receiver for webhook tests (the JDK's own server on 127.0.0.1, a free port): it
 * records every request (time, path, headers, raw body) and answers each with the next scripted
 * answer, then with the default one (200 unless changed).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received. Header names are lower case. */
  public record Received(Instant at, String method, String path, Map<String, String> headers, byte[] body,
      int answeredWith) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** An answer: a status, and a Location header for a redirect (or null). */
  public record Answer(int status, String location) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private Answer otherwise = new Answer(200, null);

  private WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the webhook receiver", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** A receiver answering 200 to everything. */
  public static WebhookReceiver start() {
    return new WebhookReceiver();
  }

  /** Answers the next requests with these statuses, one each, then as before. */
  public synchronized WebhookReceiver thenAnswer(int... statuses) {
    for (int status : statuses) {
      script.add(new Answer(status, null));
    }
    return this;
  }

  /** Answers every request (after the scripted ones) with this status. */
  public synchronized WebhookReceiver always(int status) {
    otherwise = new Answer(status, null);
    return this;
  }

  /** Answers every request with a 302 to this URL. */
  public synchronized WebhookReceiver redirectTo(URI location) {
    otherwise = new Answer(302, location.toString());
    return this;
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** {@code http://localhost:<port><path>}: the same receiver under another host name. */
  public URI localhostUrl(String path) {
    return URI.create("http://localhost:" + port() + path);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Every request so far, in arrival order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      Answer answer;
      synchronized (this) {
        answer = script.isEmpty() ? otherwise : script.poll();
      }
      // Recorded before answering: once the sender has its answer, the request is here.
      received.add(new Received(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(headers), body, answer.status()));
      if (answer.location() != null) {
        exchange.getResponseHeaders().add("Location", answer.location());
      }
      byte[] reply = ("answered " + answer.status()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), reply.length);
      exchange.getResponseBody().write(reply);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
