package dev.gantry.remote;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.events.JobEvent;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.EventRecorder;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Remote workers' leases: claim, heartbeat with progress, complete, fail, and every guard on them. */
class JobLeasesTest {
  private final TestDatabase db = TestDatabase.get();
  private final ObjectMapper json = new ObjectMapper();
  private final EventRecorder events = new EventRecorder();
  private Gantry gantry;
  private JobLeases leases;

  @BeforeEach
  void setUp() {
    gantry = Gantry.builder(db.dataSource()).schema(db.newSchema()).listener(events).build();
    leases = gantry.leases();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private static ClaimRequest request(List<String> queues, int limit) {
    return new ClaimRequest(queues, List.of(), limit, Duration.ofSeconds(30), "remote-1", null, Duration.ZERO);
  }

  private LeasedJob claimOne(String queue) throws InterruptedException {
    List<LeasedJob> claimed = leases.claim(request(List.of(queue), 1));
    assertThat(claimed).hasSize(1);
    return claimed.get(0);
  }

  /** The job's row as stored, for checking that a refused call changed nothing. */
  private String row(UUID id) {
    return db.queryStrings("SELECT to_jsonb(j) FROM " + gantry.schema() + ".all_jobs j WHERE id = '" + id + "'").toString();
  }

  private JsonNode node(String text) throws Exception {
    return json.readTree(text);
  }

  // ---- claim ----

  @Test
  void claimTakesJobsAcrossQueuesInPriorityDueTimeAndIdOrder() throws Exception {
    UUID lowA = gantry.enqueue("k", Map.of("n", "lowA"), JobOptions.defaults().withQueue("a").withPriority(5)).id();
    UUID highB = gantry.enqueue("k", Map.of("n", "highB"), JobOptions.defaults().withQueue("b").withPriority(-5)).id();
    UUID midA1 = gantry.enqueue("k", Map.of("n", "midA1"), JobOptions.defaults().withQueue("a")).id();
    UUID midB = gantry.enqueue("k", Map.of("n", "midB"), JobOptions.defaults().withQueue("b")).id();
    UUID other = gantry.enqueue("k", null, JobOptions.defaults().withQueue("c")).id();
    // Same priority: earlier due time first, whatever the id.
    db.execute("UPDATE " + gantry.schema() + ".jobs SET scheduled_at = scheduled_at - interval '1 minute' WHERE id = '" + midB + "'");

    List<LeasedJob> first = leases.claim(request(List.of("a", "b"), 3));
    List<LeasedJob> rest = leases.claim(request(List.of("a", "b"), 3));

    assertThat(first).extracting(LeasedJob::id).containsExactly(highB, midB, midA1);
    assertThat(rest).extracting(LeasedJob::id).containsExactly(lowA);
    assertThat(leases.claim(request(List.of("a", "b"), 3))).isEmpty();
    assertThat(job(gantry, other).state()).isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void claimedJobCarriesWhatTheWorkerNeedsAndIsRunningUnderItsLease() throws Exception {
    Instant before = db.now();
    UUID id = gantry.enqueue("email.send", Map.of("to", "ada@example.com"),
        JobOptions.defaults().withQueue("mail").withMaxAttempts(3).withMetadata(Map.of("trace", "t-1")).withTenant("acme")).id();

    List<LeasedJob> claimed = leases.claim(new ClaimRequest(List.of("mail"), List.of(), 10, Duration.ofMinutes(2),
        "remote-7", null, Duration.ZERO));

    assertThat(claimed).singleElement().satisfies(j -> {
      assertThat(j.id()).isEqualTo(id);
      assertThat(j.queue()).isEqualTo("mail");
      assertThat(j.kind()).isEqualTo("email.send");
      assertThat(j.args().get("to").asText()).isEqualTo("ada@example.com");
      assertThat(j.metadata().get("trace").asText()).isEqualTo("t-1");
      assertThat(j.attempt()).isEqualTo(1);
      assertThat(j.maxAttempts()).isEqualTo(3);
      assertThat(j.leaseToken()).isNotNull();
      assertThat(j.tenant()).isEqualTo("acme");
      assertThat(j.createdAt()).isAfterOrEqualTo(before.minusSeconds(1));
      // two minutes from the database's now, give or take the statement's own time
      assertThat(j.leaseExpiresAt()).isBetween(before.plus(Duration.ofMinutes(2)), db.now().plus(Duration.ofMinutes(2)));
    });
    Job stored = job(gantry, id);
    // The times the claim reports are the stored ones: the attempt's start and when it was due.
    assertThat(claimed.get(0).attemptedAt()).isEqualTo(stored.attemptedAt());
    assertThat(claimed.get(0).scheduledAt()).isEqualTo(stored.scheduledAt());
    assertThat(claimed.get(0).leaseExpiresAt()).isEqualTo(stored.attemptedAt().plus(Duration.ofMinutes(2)));
    assertThat(stored.state()).isEqualTo(JobState.RUNNING);
    assertThat(stored.workerId()).isEqualTo("remote-7");
    assertThat(stored.attempt()).isEqualTo(1);
    assertThat(events.of(JobEvent.Started.class, id)).hasSize(1);
  }

  @Test
  void claimHonoursKindsTenantAndLimit() throws Exception {
    UUID resize = gantry.enqueue("image.resize", null).id();
    UUID email = gantry.enqueue("email.send", null).id();
    UUID acmeJob = gantry.forTenant("acme").enqueue("image.resize", null).id();
    for (int i = 0; i < 5; i++) {
      gantry.enqueue("bulk", Map.of("i", i));
    }

    List<LeasedJob> onlyAcme = leases.claim(new ClaimRequest(List.of("default"), List.of(), 10, Duration.ofSeconds(30),
        "w", "acme", Duration.ZERO));
    List<LeasedJob> onlyResize = leases.claim(new ClaimRequest(List.of("default"), List.of("image.resize", "nothing"), 10,
        Duration.ofSeconds(30), "w", null, Duration.ZERO));
    List<LeasedJob> limited = leases.claim(new ClaimRequest(List.of("default"), List.of(), 2, Duration.ofSeconds(30),
        "w", null, Duration.ZERO));

    assertThat(onlyAcme).extracting(LeasedJob::id).containsExactly(acmeJob);
    assertThat(onlyResize).extracting(LeasedJob::id).containsExactly(resize);
    assertThat(limited).extracting(LeasedJob::id).containsExactly(email, limited.get(1).id());
    assertThat(limited.get(1).kind()).isEqualTo("bulk");
  }

  @Test
  void claimRequestsAreValidatedNamingTheField() {
    Duration lease = Duration.ofSeconds(30);
    assertThatThrownBy(() -> new ClaimRequest(List.of(), List.of(), 1, lease, "w", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queues");
    assertThatThrownBy(() -> new ClaimRequest(java.util.Collections.nCopies(21, "q"), List.of(), 1, lease, "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queues");
    assertThatThrownBy(() -> new ClaimRequest(List.of("bad queue"), List.of(), 1, lease, "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 0, lease, "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 101, lease, "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 1, Duration.ofMillis(999), "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 1, Duration.ofHours(2), "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 1, lease, " ", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 1, lease, "w", "bad tenant", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(), 1, lease, "w", null, Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
    assertThatThrownBy(() -> new ClaimRequest(List.of("q"), List.of(" "), 1, lease, "w", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kinds");
    assertThatThrownBy(() -> new Progress(101, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percent");
    assertThatThrownBy(() -> new Progress(null, null, json.createObjectNode()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("items").hasMessageContaining("array");
  }

  @Test
  void longPollingClaimIsWokenByTheQueuesNotifyAndGivesUpAfterItsWait() throws Exception {
    // A re-check interval far beyond the test's waits: only a notification can wake the claim.
    try (LeasesWithRecheck noPolling = LeasesWithRecheck.of(gantry, db.dataSource(), Duration.ofMinutes(10))) {
      longPoll(noPolling.leases());
    }
  }

  private void longPoll(JobLeases noPolling) throws Exception {
    ClaimRequest waiting = new ClaimRequest(List.of("slow", "mail"), List.of(), 5, Duration.ofSeconds(30), "w", null,
        Duration.ofSeconds(40));
    CompletableFuture<Thread> claimer = new CompletableFuture<>();
    CompletableFuture<List<LeasedJob>> claim = CompletableFuture.supplyAsync(() -> {
      claimer.complete(Thread.currentThread());
      try {
        return noPolling.claim(waiting);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread thread = claimer.get(10, TimeUnit.SECONDS);
    await("the claim to wait").atMost(WAIT).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("elsewhere"));
    UUID id = gantry.enqueue("k", null, JobOptions.defaults().withQueue("mail")).id();

    assertThat(claim.get(20, TimeUnit.SECONDS)).extracting(LeasedJob::id).containsExactly(id);

    long start = System.nanoTime();
    ClaimRequest shortWait = new ClaimRequest(List.of("mail"), List.of(), 5, Duration.ofSeconds(30), "w", null,
        Duration.ofMillis(300));
    assertThat(leases.claim(shortWait)).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  // ---- heartbeat ----

  @Test
  void heartbeatExtendsTheLeaseFromNowAndRecordsProgress() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    LeasedJob leased = claimOne("default");
    JsonNode items = node("[{\"item\":\"dir-1\",\"status\":\"ok\"},{\"item\":\"dir-2\",\"status\":\"failed\",\"error\":\"denied\"}]");

    Instant before = db.now();
    LeaseResult result = leases.heartbeat(id, leased.leaseToken(), Duration.ofMinutes(10), new Progress(40, "scanning", items), null);

    assertThat(result).isInstanceOfSatisfying(LeaseResult.Ok.class, ok -> {
      assertThat(ok.cancelRequested()).isFalse();
      assertThat(ok.leaseExpiresAt()).isBetween(before.plus(Duration.ofMinutes(10)), db.now().plus(Duration.ofMinutes(10)));
    });
    Job job = job(gantry, id);
    assertThat(job.progressPercent()).isEqualTo(40);
    assertThat(job.progressMessage()).isEqualTo("scanning");
    assertThat(job.progressItems()).isEqualTo(items);
    assertThat(job.leaseExpiresAt()).isEqualTo(((LeaseResult.Ok) result).leaseExpiresAt());

    // Fields left null keep their values; no progress at all only renews.
    leases.heartbeat(id, leased.leaseToken(), Duration.ofMinutes(1), new Progress(60, null, null), null);
    leases.heartbeat(id, leased.leaseToken(), Duration.ofMinutes(1), null, null);
    job = job(gantry, id);
    assertThat(job.progressPercent()).isEqualTo(60);
    assertThat(job.progressMessage()).isEqualTo("scanning");
    assertThat(job.progressItems()).isEqualTo(items);
    assertThat(job.leaseExpiresAt()).isBefore(before.plus(Duration.ofMinutes(5)));

    assertThatThrownBy(() -> leases.heartbeat(id, leased.leaseToken(), Duration.ofMillis(10), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extendBy");
  }

  @Test
  void heartbeatTellsTheWorkerOfACancelAndFailingThenEndsTheJobCancelled() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    LeasedJob leased = claimOne("default");

    assertThat(gantry.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
    assertThat(leases.heartbeat(id, leased.leaseToken(), Duration.ofSeconds(30), null, null))
        .isInstanceOfSatisfying(LeaseResult.Ok.class, ok -> assertThat(ok.cancelRequested()).isTrue());

    assertThat(leases.fail(id, leased.leaseToken(), "stopped on request", true, null)).isInstanceOf(LeaseResult.Ok.class);
    Job job = job(gantry, id);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(job.errors()).extracting(JobError::message).containsExactly("stopped on request");
  }

  // ---- outcomes ----

  @Test
  void completeStoresTheResultAndProgressAndASecondCompleteIsLeaseLost() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    LeasedJob leased = claimOne("default");
    JsonNode items = node("[{\"item\":\"a\",\"status\":\"ok\"}]");
    leases.heartbeat(id, leased.leaseToken(), Duration.ofSeconds(30), new Progress(100, "done", items), null);

    LeaseResult first = leases.complete(id, leased.leaseToken(), node("{\"sent\":3}"), null);
    String afterFirst = row(id);
    LeaseResult second = leases.complete(id, leased.leaseToken(), node("{\"sent\":99}"), null);

    assertThat(first).isEqualTo(new LeaseResult.Ok(false, null));
    assertThat(second).isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(row(id)).isEqualTo(afterFirst);
    Job job = job(gantry, id);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.result().get("sent").asInt()).isEqualTo(3);
    assertThat(job.progressItems()).isEqualTo(items);
    assertThat(job.progressMessage()).isEqualTo("done");
    assertThat(events.of(JobEvent.Completed.class, id)).hasSize(1);
    assertThat(leases.fail(id, leased.leaseToken(), "late", true, null)).isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(leases.heartbeat(id, leased.leaseToken(), Duration.ofSeconds(30), null, null))
        .isInstanceOf(LeaseResult.LeaseLost.class);
  }

  @Test
  void retryableFailureWithAttemptsLeftBacksOffAndIsRecorded() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    LeasedJob leased = claimOne("default");

    Instant before = db.now();
    assertThat(leases.fail(id, leased.leaseToken(), "upstream 503", true, null)).isInstanceOf(LeaseResult.Ok.class);

    Job job = job(gantry, id);
    assertThat(job.state()).isEqualTo(JobState.RETRYABLE);
    assertThat(job.attempt()).isEqualTo(1);
    // The default policy's first backoff: 1 s ± 20 %, from the database's now.
    assertThat(job.scheduledAt()).isBetween(before.plusMillis(800), db.now().plusMillis(1200));
    assertThat(job.errors()).singleElement().satisfies(e -> {
      assertThat(e.attempt()).isEqualTo(1);
      assertThat(e.errorClass()).isEqualTo("remote");
      assertThat(e.message()).isEqualTo("upstream 503");
      assertThat(e.at()).isNotNull();
    });
    assertThat(events.of(JobEvent.Failed.class, id)).hasSize(1);
  }

  @Test
  void nonRetryableFailureAndTheLastAttemptAreDead() throws Exception {
    UUID permanent = gantry.enqueue("k", null).id();
    LeasedJob first = claimOne("default");
    assertThat(leases.fail(permanent, first.leaseToken(), "bad input", false, null)).isInstanceOf(LeaseResult.Ok.class);
    assertThat(job(gantry, permanent).state()).isEqualTo(JobState.DEAD);

    UUID lastTry = gantry.enqueue("k", null, JobOptions.defaults().withMaxAttempts(1)).id();
    LeasedJob only = claimOne("default");
    assertThat(leases.fail(lastTry, only.leaseToken(), "flaky", true, null)).isInstanceOf(LeaseResult.Ok.class);
    Job dead = job(gantry, lastTry);
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.errors()).extracting(JobError::message).containsExactly("flaky");
    assertThat(events.of(JobEvent.Dead.class)).extracting(JobEvent::jobId).containsExactly(permanent, lastTry);
  }

  // ---- guards ----

  @Test
  void anotherTenantOrAnUnknownJobIsNotFoundAndNothingChanges() throws Exception {
    UUID id = gantry.forTenant("acme").enqueue("k", null).id();
    LeasedJob leased = leases.claim(new ClaimRequest(List.of("default"), List.of(), 1, Duration.ofSeconds(30), "w",
        "acme", Duration.ZERO)).get(0);
    String before = row(id);
    UUID token = leased.leaseToken();

    assertThat(leases.heartbeat(id, token, Duration.ofSeconds(30), new Progress(5, "x", null), "globex"))
        .isInstanceOf(LeaseResult.NotFound.class);
    assertThat(leases.complete(id, token, null, "globex")).isInstanceOf(LeaseResult.NotFound.class);
    assertThat(leases.fail(id, token, "x", false, "globex")).isInstanceOf(LeaseResult.NotFound.class);
    assertThat(row(id)).isEqualTo(before);

    UUID unknown = UUID.fromString("01890000-0000-7000-8000-0000000000bb");
    assertThat(leases.heartbeat(unknown, token, Duration.ofSeconds(30), null, null)).isInstanceOf(LeaseResult.NotFound.class);
    assertThat(leases.complete(unknown, token, null, null)).isInstanceOf(LeaseResult.NotFound.class);
    assertThat(leases.fail(unknown, token, "x", true, null)).isInstanceOf(LeaseResult.NotFound.class);

    // The owner, and the unscoped API, can.
    assertThat(leases.heartbeat(id, token, Duration.ofSeconds(30), null, "acme")).isInstanceOf(LeaseResult.Ok.class);
    assertThat(leases.complete(id, token, null, "acme")).isInstanceOf(LeaseResult.Ok.class);
    assertThat(job(gantry, id).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void expiredLeaseIsRescuedByAMaintenanceOnlyNodeAndTheStaleTokenChangesNothing() throws Exception {
    UUID id = gantry.enqueue("remote.kind", null).id();
    LeasedJob stale = leases.claim(new ClaimRequest(List.of("default"), List.of(), 1, Duration.ofSeconds(1), "gone",
        null, Duration.ZERO)).get(0);

    // No queues, no handlers: this node only stages, rescues and prunes.
    try (Worker maintenance = fast(gantry).rescueInterval(Duration.ofMillis(100)).start()) {
      Job rescued = await("the expired lease to be rescued").atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> job(gantry, id), j -> j.state() != JobState.RUNNING);
      assertThat(rescued.state()).isEqualTo(JobState.AVAILABLE);
      assertThat(rescued.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("lease expired"));
      assertThat(maintenance.inFlightCount()).isZero();
    }
    String afterRescue = row(id);

    assertThat(leases.heartbeat(id, stale.leaseToken(), Duration.ofSeconds(30), new Progress(99, "zombie", null), null))
        .isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(leases.complete(id, stale.leaseToken(), node("\"zombie\""), null)).isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(leases.fail(id, stale.leaseToken(), "zombie", false, null)).isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(row(id)).isEqualTo(afterRescue);

    // The next attempt holds a new lease; the old token still cannot touch it.
    LeasedJob next = claimOne("default");
    assertThat(next.attempt()).isEqualTo(2);
    assertThat(leases.complete(id, stale.leaseToken(), null, null)).isInstanceOf(LeaseResult.LeaseLost.class);
    assertThat(leases.complete(id, next.leaseToken(), node("\"ok\""), null)).isInstanceOf(LeaseResult.Ok.class);
    assertThat(job(gantry, id).result().asText()).isEqualTo("ok");
  }
}
