package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.LeasedJob;
import dev.gantry.remote.Progress;
import dev.gantry.server.http.EventStreamClient.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static final Duration EVENT = Duration.ofSeconds(15);
  private final TestServer t = TestServer.start(s -> s.withKeepAliveInterval(Duration.ofMillis(100)));

  @AfterEach
  void tearDown() {
    t.close();
  }

  private LeasedJob claim() throws InterruptedException {
    List<LeasedJob> claimed = t.gantry.leases().claim(new ClaimRequest(List.of("default"), List.of(), 1,
        Duration.ofMinutes(1), "test", null, Duration.ZERO));
    assertThat(claimed).hasSize(1);
    return claimed.get(0);
  }

  @Test
  void sendsAnEventPerChangeAndEndsAfterTheFinalState() throws Exception {
    UUID id = t.gantry.enqueue("report", null).id();
    try (EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
      assertThat(stream.header("Cache-Control")).isEqualTo("no-cache");

      Event first = stream.next(EVENT);
      LeasedJob lease = claim();
      Event running = stream.next(EVENT);
      t.gantry.leases().heartbeat(id, lease.leaseToken(), Duration.ofMinutes(1),
          new Progress(50, "half way", t.gantry.mapper().readTree("[{\"item\":\"a\",\"status\":\"ok\"}]")), null);
      Event progress = stream.next(EVENT);
      t.gantry.leases().complete(id, lease.leaseToken(), t.gantry.mapper().readTree("{\"rows\":3}"), null);
      Event completed = stream.next(EVENT);

      assertThat(List.of(first, running, progress, completed)).extracting(Event::event).containsOnly("job");
      assertThat(List.of(first, running, progress, completed)).extracting(Event::id).containsExactly("1", "2", "3", "4");
      for (Event e : List.of(first, running, progress, completed)) {
        assertThat(OpenApiContract.get().schemaViolations("Job", e.data())).isEmpty();
        assertThat(e.json().get("id").asText()).isEqualTo(id.toString());
      }
      assertThat(first.json().get("state").asText()).isEqualTo("available");
      assertThat(running.json().get("state").asText()).isEqualTo("running");
      assertThat(progress.json().get("progress").get("percent").asInt()).isEqualTo(50);
      assertThat(progress.json().get("progress").get("items").get(0).get("item").asText()).isEqualTo("a");
      assertThat(completed.json().get("state").asText()).isEqualTo("completed");
      assertThat(completed.json().get("result").get("rows").asInt()).isEqualTo(3);
      assertThat(stream.awaitEnd(EVENT)).as("the server ends the stream after the final state").isTrue();
      assertThat(stream.pending()).isEmpty();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> t.server.openEventStreams() == 0);
  }

  @Test
  void aFinishedJobGivesOneEventAndTheStreamEnds() throws Exception {
    UUID id = t.gantry.enqueue("k", null).id();
    t.gantry.cancel(id);

    try (EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, null)) {
      assertThat(stream.next(EVENT).json().get("state").asText()).isEqualTo("cancelled");
      assertThat(stream.awaitEnd(EVENT)).isTrue();
      assertThat(stream.pending()).isEmpty();
    }
  }

  @Test
  void aQuietStreamGetsKeepAliveComments() throws Exception {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    try (EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, null)) {
      stream.next(EVENT);

      await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments().size() >= 2);
      assertThat(stream.comments()).allMatch(": keep-alive"::equals);
      assertThat(stream.pending()).isEmpty();
    }
  }

  @Test
  void aClientThatHangsUpLeavesNoWatchBehind() throws Exception {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    assertThat(t.server.openEventStreams()).isZero();
    EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, null);
    stream.next(EVENT);
    assertThat(t.server.openEventStreams()).isEqualTo(1);
    assertThat(t.get("/metrics", null).body()).contains("gantry_http_event_streams 1.0");

    stream.close();

    // The next keep-alive write fails, the request ends and its watch is closed.
    await().atMost(Duration.ofSeconds(10)).until(() -> t.server.openEventStreams() == 0);
    assertThat(t.get("/metrics", null).body()).contains("gantry_http_event_streams 0.0");
  }

  @Test
  void idsGoOnFromLastEventIdOnReconnection() throws Exception {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    try (EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, "41")) {
      Event e = stream.next(EVENT);

      assertThat(e.id()).isEqualTo("42");
      assertThat(e.json().get("state").asText()).isEqualTo("available");
    }
  }

  @Test
  void anUnknownJobIs404BeforeAnyEvent() {
    try (EventStreamClient stream = t.events("/v1/jobs/" + UUID.randomUUID() + "/events", t.producer, null)) {
      assertThat(stream.status()).isEqualTo(404);
      assertThat(stream.header("Content-Type")).startsWith("application/problem+json");
    }
    try (EventStreamClient stream = t.events("/v1/jobs/" + UUID.randomUUID() + "/events", t.worker, null)) {
      assertThat(stream.status()).isEqualTo(403);
    }
    assertThat(t.server.openEventStreams()).isZero();
  }

  @Test
  void stoppingTheServerEndsOpenStreams() throws Exception {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    try (EventStreamClient stream = t.events("/v1/jobs/" + id + "/events", t.producer, null)) {
      stream.next(EVENT);

      t.server.close();

      assertThat(stream.awaitEnd(Duration.ofSeconds(20))).isTrue();
      assertThat(t.server.openEventStreams()).isZero();
    }
  }
}
