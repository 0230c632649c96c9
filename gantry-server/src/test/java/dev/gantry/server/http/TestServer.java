package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A real {@link GantryServer} on a free port and a fresh schema of the test database, with an
 * admin, a producer and a worker key, and an HTTP client whose every response is checked
 * against {@code openapi.json} ({@link OpenApiContract}).
 */
final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final TestDatabase db = TestDatabase.get();
  final String schema = db.newSchema();
  final ServerMetrics metrics = new ServerMetrics();
  final Gantry gantry;
  final GantryServer server;
  final KeyStore keys;
  final String admin;
  final String producer;
  final String worker;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(DataSource dataSource, UnaryOperator<ServerSettings> settings) {
    this(dataSource, settings, b -> b);
  }

  private TestServer(DataSource dataSource, UnaryOperator<ServerSettings> settings,
      UnaryOperator<Gantry.Builder> gantrySettings) {
    gantry = gantrySettings.apply(Gantry.builder(dataSource).schema(schema).listener(metrics.jobListener())).build();
    keys = new KeyStore(dataSource, schema);
    admin = keys.create("test admin", Role.ADMIN, null).token();
    producer = keys.create("test producer", Role.PRODUCER, null).token();
    worker = keys.create("test worker", Role.WORKER, null).token();
    server = new GantryServer(gantry, dataSource, settings.apply(ServerSettings.defaults().withPort(0)), metrics).start();
  }

  static TestServer start() {
    return start(s -> s);
  }

  static TestServer start(UnaryOperator<ServerSettings> settings) {
    return new TestServer(TestDatabase.get().dataSource(), settings);
  }

  static TestServer start(DataSource dataSource, UnaryOperator<ServerSettings> settings) {
    return new TestServer(dataSource, settings);
  }

  /** A server whose Gantry instance is built with these settings too (webhooks, say). */
  static TestServer withGantry(UnaryOperator<Gantry.Builder> gantrySettings) {
    return new TestServer(TestDatabase.get().dataSource(), s -> s, gantrySettings);
  }

  /** A new API key's token. */
  String key(String name, Role role, String tenant) {
    return keys.create(name, role, tenant).token();
  }

  /**
   * Opens an event stream and checks its response head against the OpenAPI document (a problem
   * response is read whole and checked like any other).
   */
  EventStreamClient events(String pathAndQuery, String key, String lastEventId) {
    HttpRequest.Builder b = request(pathAndQuery, key).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpRequest request = b.build();
    HttpResponse<java.io.InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    EventStreamClient stream = new EventStreamClient(response);
    String body = response.statusCode() == 200 ? null : stream.readAll();
    assertThat(OpenApiContract.get().violations(request.method(), request.uri().getPath(), response.statusCode(),
        contentType, body)).as("the response keeps the OpenAPI contract").isEmpty();
    return stream;
  }

  URI uri(String pathAndQuery) {
    return URI.create(server.url() + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(90));
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  Reply get(String pathAndQuery, String key) {
    return send(request(pathAndQuery, key).GET());
  }

  Reply post(String pathAndQuery, String key, String json) {
    return send(request(pathAndQuery, key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply postWithKey(String pathAndQuery, String key, String idempotencyKey, String json) {
    return send(request(pathAndQuery, key).header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply delete(String pathAndQuery, String key) {
    return send(request(pathAndQuery, key).DELETE());
  }

  /** Sends the request and checks the response against the OpenAPI document. */
  Reply send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Reply reply = new Reply(response.statusCode(), response.headers(), response.body());
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    assertThat(OpenApiContract.get().violations(request.method(), request.uri().getPath(), reply.status(), contentType,
        reply.body())).as("the response keeps the OpenAPI contract").isEmpty();
    return reply;
  }

  /** One HTTP response. */
  record Reply(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  @Override
  public void close() {
    server.close();
    gantry.close();
  }
}
