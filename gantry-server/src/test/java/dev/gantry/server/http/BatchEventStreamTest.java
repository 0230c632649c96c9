package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.LeasedJob;
import dev.gantry.server.http.EventStreamClient.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch's progress pushed as Server-Sent Events: a progress bar without polling. */
class BatchEventStreamTest {
  private static final Duration EVENT = Duration.ofSeconds(15);
  private final TestServer t = TestServer.start(s -> s.withKeepAliveInterval(Duration.ofMillis(100)));

  @AfterEach
  void tearDown() {
    t.close();
  }

  private BatchResult batchOf(int n) {
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(JobRequest.of("files.checksum", Map.of("file", "f" + i)));
    }
    return t.gantry.batches().enqueue(jobs, BatchOptions.defaults());
  }

  @Test
  void sendsTheCountsAsJobsFinishAndEndsAfterTheFinalState() throws Exception {
    BatchResult batch = batchOf(3);
    try (EventStreamClient stream = t.events("/v1/batches/" + batch.batchId() + "/events", t.producer, null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
      List<Event> events = new ArrayList<>();
      events.add(stream.next(EVENT));
      List<LeasedJob> leases = t.gantry.leases().claim(new ClaimRequest(List.of("default"), List.of(), 3,
          Duration.ofMinutes(1), "test", null, Duration.ZERO));
      assertThat(leases).hasSize(3);
      events.add(stream.next(EVENT)); // three running
      for (LeasedJob lease : leases) {
        t.gantry.leases().complete(lease.id(), lease.leaseToken(), null, null);
        events.add(stream.next(EVENT)); // one more completed
      }

      assertThat(events).extracting(Event::event).containsOnly("batch");
      assertThat(events).extracting(Event::id).containsExactly("1", "2", "3", "4", "5");
      for (Event e : events) {
        assertThat(OpenApiContract.get().schemaViolations("Batch", e.data())).isEmpty();
        assertThat(e.json().get("id").asText()).isEqualTo(batch.batchId().toString());
      }
      assertThat(events.get(0).json().get("pending").asInt()).isEqualTo(3);
      assertThat(events.get(1).json().get("running").asInt()).isEqualTo(3);
      assertThat(events).extracting(e -> e.json().get("completed").asInt()).containsExactly(0, 0, 1, 2, 3);
      assertThat(events.get(4).json().get("state").asText()).isEqualTo("completed");
      assertThat(events.get(4).json().get("percent").asDouble()).isEqualTo(100.0);
      assertThat(stream.awaitEnd(EVENT)).as("the server ends the stream after the final state").isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> t.server.openEventStreams() == 0);
  }

  @Test
  void anUnknownBatchIs404AndAWorkerKey403BeforeAnyEvent() {
    try (EventStreamClient stream = t.events("/v1/batches/" + UUID.randomUUID() + "/events", t.producer, null)) {
      assertThat(stream.status()).isEqualTo(404);
      assertThat(stream.header("Content-Type")).startsWith("application/problem+json");
    }
    BatchResult batch = batchOf(1);
    try (EventStreamClient stream = t.events("/v1/batches/" + batch.batchId() + "/events", t.worker, null)) {
      assertThat(stream.status()).isEqualTo(403);
    }
    assertThat(t.server.openEventStreams()).isZero();
  }
}
