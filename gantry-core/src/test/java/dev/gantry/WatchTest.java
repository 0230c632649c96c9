package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobState;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.LeasedJob;
import dev.gantry.remote.Progress;
import dev.gantry.testing.TestDatabase;
import dev.gantry.watch.JobSubscription;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Watching one job's changes, driven by NOTIFY. */
class WatchTest {
  private static final UUID UNKNOWN = UUID.fromString("01890000-0000-7000-8000-0000000000cc");

  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  /** What one watcher was told, in order: state and progress of each call. */
  private static final class Calls {
    final List<Job> jobs = new CopyOnWriteArrayList<>();

    void add(Job job) {
      jobs.add(job);
    }

    List<String> seen() {
      return jobs.stream().map(j -> j.state().dbName() + (j.progressPercent() == null ? "" : " " + j.progressPercent()))
          .toList();
    }

    void awaitSeen(String... expected) {
      await("calls " + List.of(expected)).atMost(WAIT).until(() -> seen().equals(List.of(expected)));
    }
  }

  @Test
  void watcherSeesRunningThenProgressThenCompletedInOrder() throws Exception {
    UUID id = gantry.enqueue("steps", null).id();
    Calls calls = new Calls();
    try (JobSubscription s = gantry.watch(id, calls::add)) {
      assertThat(s.jobId()).isEqualTo(id);
      assertThat(calls.seen()).as("the first call happens before watch returns").containsExactly("available");

      CountDownLatch reportProgress = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      try (Worker w = fast(gantry).queue("default", 1).handler("steps", Map.class, (args, ctx) -> {
        reportProgress.await();
        ctx.progress(50, "half way");
        finish.await();
        return "done";
      }).start()) {
        calls.awaitSeen("available", "running");
        reportProgress.countDown();
        calls.awaitSeen("available", "running", "running 50");
        finish.countDown();
        calls.awaitSeen("available", "running", "running 50", "completed 50");
      }
      assertThat(calls.jobs.get(2).progressMessage()).isEqualTo("half way");
      assertThat(calls.jobs.get(3).result().asText()).isEqualTo("done");
    }
  }

  record ItemResult(String item, String status, String error) {}

  @Test
  void aLibraryHandlersPerItemResultsArePushedToWatchersWhileItRunsAndKept() throws Exception {
    UUID id = gantry.enqueue("submit", null).id();
    Calls calls = new Calls();
    try (JobSubscription s = gantry.watch(id, calls::add)) {
      // Each step waits until the watcher saw the one before: changes quicker than a read may
      // reach the watcher as one call with the later state.
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch second = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      try (Worker w = fast(gantry).queue("default", 1).handler("submit", Map.class, (args, ctx) -> {
        first.await();
        ctx.progress(50, "1 of 2 directories", List.of(new ItemResult("dir-a", "submitted", null)));
        second.await();
        ctx.progress(100, "2 of 2 directories", List.of(new ItemResult("dir-a", "submitted", null),
            new ItemResult("dir-b", "failed", "quota exceeded")));
        finish.await();
        return null;
      }).start()) {
        calls.awaitSeen("available", "running");
        first.countDown();
        calls.awaitSeen("available", "running", "running 50");
        second.countDown();
        calls.awaitSeen("available", "running", "running 50", "running 100");
        Job running = calls.jobs.get(3);
        assertThat(running.progressMessage()).isEqualTo("2 of 2 directories");
        assertThat(running.progressItems()).hasSize(2);
        assertThat(running.progressItems().get(1).get("error").asText()).isEqualTo("quota exceeded");
        assertThat(calls.jobs.get(2).progressItems()).as("pushed as written, the first report").hasSize(1);
        finish.countDown();
        calls.awaitSeen("available", "running", "running 50", "running 100", "completed 100");
      }
      Job done = job(gantry, id);
      assertThat(done.progressItems().get(0).get("item").asText()).isEqualTo("dir-a");
      assertThat(done.progressItems().get(1).get("status").asText()).isEqualTo("failed");
    }
  }

  @Test
  void operatorChangesAreReported() throws Exception {
    UUID id = gantry.enqueue("k", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
    Calls calls = new Calls();
    try (JobSubscription s = gantry.watch(id, calls::add)) {
      gantry.retry(id); // due now
      calls.awaitSeen("scheduled", "available");
      gantry.cancel(id);
      calls.awaitSeen("scheduled", "available", "cancelled");
      gantry.retry(id); // a finished job back in the hot table is still watched
      calls.awaitSeen("scheduled", "available", "cancelled", "available");
    }
  }

  @Test
  void retriesStagingAndCancelRequestsAreReported() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    List<String> seen = new CopyOnWriteArrayList<>();
    ClaimRequest claim = new ClaimRequest(List.of("default"), List.of(), 1, Duration.ofSeconds(30), "w", null, Duration.ZERO);
    try (JobSubscription s = gantry.watch(id, j -> seen.add(
        j.state().dbName() + "#" + j.attempt() + (j.cancelRequested() ? " cancel" : "")))) {
      LeasedJob first = gantry.leases().claim(claim).get(0);
      await().atMost(WAIT).until(() -> seen.equals(List.of("available#0", "running#1")));
      gantry.leases().fail(id, first.leaseToken(), "try again", true, null); // backoff about 1 s
      await().atMost(WAIT).until(() -> seen.equals(List.of("available#0", "running#1", "retryable#1")));

      // Staged by a maintenance-only node; nobody claims it until asked.
      try (Worker maintenance = fast(gantry).start()) {
        await().atMost(WAIT).until(() -> seen.equals(List.of("available#0", "running#1", "retryable#1", "available#1")));
      }
      LeasedJob second = gantry.leases().claim(claim).get(0);
      await().atMost(WAIT).until(() -> seen.size() == 5);
      gantry.cancel(id);
      await().atMost(WAIT).until(() -> seen.size() == 6);
      gantry.leases().fail(id, second.leaseToken(), "stopped", true, null);
      await().atMost(WAIT).until(() -> seen.size() == 7);
    }
    assertThat(seen).containsExactly("available#0", "running#1", "retryable#1", "available#1", "running#2",
        "running#2 cancel", "cancelled#2");
  }

  @Test
  void finishedJobGivesOneCallAndNothingMore() throws Exception {
    UUID finished = gantry.enqueue("k", null).id();
    gantry.cancel(finished);
    UUID other = gantry.enqueue("k", null).id();

    Calls calls = new Calls();
    Calls otherCalls = new Calls();
    try (JobSubscription s = gantry.watch(finished, calls::add); JobSubscription o = gantry.watch(other, otherCalls::add)) {
      assertThat(calls.seen()).containsExactly("cancelled");
      // Activity that notifies: once the other watcher has heard all of it, the finished job's
      // watcher would have heard anything meant for it too.
      gantry.cancel(other);
      otherCalls.awaitSeen("available", "cancelled");
      assertThat(calls.seen()).containsExactly("cancelled");
    }
  }

  @Test
  void remoteProgressItemsAreReportedAndAClosedSubscriptionHearsNothing() throws Exception {
    ObjectMapper json = new ObjectMapper();
    UUID id = gantry.enqueue("k", null).id();
    Calls calls = new Calls();
    Calls closedEarly = new Calls();
    JobSubscription early = gantry.watch(id, closedEarly::add);
    early.close();
    try (JobSubscription s = gantry.watch(id, calls::add)) {
      LeasedJob leased = gantry.leases().claim(new ClaimRequest(List.of("default"), List.of(), 1, Duration.ofSeconds(30), "w",
          null, Duration.ZERO)).get(0);
      calls.awaitSeen("available", "running");
      // A lease renewal alone is no change worth a call.
      gantry.leases().heartbeat(id, leased.leaseToken(), Duration.ofSeconds(30), null, null);
      var items = json.readTree("[{\"item\":\"dir-1\",\"status\":\"ok\"}]");
      gantry.leases().heartbeat(id, leased.leaseToken(), Duration.ofSeconds(30), new Progress(10, null, items), null);
      calls.awaitSeen("available", "running", "running 10");
      assertThat(calls.jobs.get(2).progressItems()).isEqualTo(items);
      gantry.leases().complete(id, leased.leaseToken(), null, null);
      calls.awaitSeen("available", "running", "running 10", "completed 10");
    }
    assertThat(closedEarly.seen()).containsExactly("available");
  }

  @Test
  void onlyWatchedJobsNotify() throws Exception {
    try (Connection listener = db.dataSource().getConnection()) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN " + gantry.schema() + "_changed");
      }
      PGConnection pg = listener.unwrap(PGConnection.class);
      try (Worker w = fast(gantry).queue("default", 2).handler("k", Map.class, (args, ctx) -> {
        ctx.progress(50, "x");
        return null;
      }).start()) {
        // Unwatched jobs change state and progress (read by polling: awaitCompletion would watch them).
        UUID unwatched = gantry.enqueue("k", null).id();
        awaitState(gantry, unwatched, JobState.COMPLETED);
        UUID delayed = gantry.enqueue("k", null, JobOptions.defaults().withDelay(Duration.ofHours(1)).withQueue("unserved")).id();
        gantry.retry(delayed);
        assertThat(job(gantry, delayed).state()).isEqualTo(JobState.AVAILABLE);

        UUID watched = gantry.enqueue("k", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
        try (JobSubscription s = gantry.watch(watched, job -> { })) {
          gantry.retry(watched);
          awaitState(gantry, watched, JobState.COMPLETED);
        }

        List<String> payloads = new ArrayList<>();
        await("the watched job's notifications").atMost(WAIT).until(() -> {
          PGNotification[] got = pg.getNotifications(100);
          if (got != null) {
            for (PGNotification n : got) {
              payloads.add(n.getParameter());
            }
          }
          return payloads.size() >= 3;
        });
        // Its three changes before finishing (available, running, progress), and nobody else's.
        assertThat(payloads).containsOnly(watched.toString());
      } finally {
        try (Statement st = listener.createStatement()) {
          st.execute("UNLISTEN *");
        }
      }
    }
  }

  @Test
  void unknownJobAndAnotherTenantsJobAreNotFound() {
    assertThatThrownBy(() -> gantry.watch(UNKNOWN, j -> { }))
        .isInstanceOf(JobNotFoundException.class).hasMessageContaining(UNKNOWN.toString());
    UUID id = gantry.forTenant("acme").enqueue("k", null).id();
    assertThatThrownBy(() -> gantry.forTenant("globex").watch(id, j -> { })).isInstanceOf(JobNotFoundException.class);
    List<Job> seen = new ArrayList<>();
    try (JobSubscription s = gantry.forTenant("acme").watch(id, seen::add)) {
      assertThat(seen).extracting(Job::state).containsExactly(JobState.AVAILABLE);
    }
  }

  @Test
  void aFailingCallbackDoesNotEndTheSubscription() throws Exception {
    UUID id = gantry.enqueue("k", null).id();
    Calls calls = new Calls();
    try (JobSubscription s = gantry.watch(id, job -> {
      calls.add(job);
      throw new IllegalStateException("subscriber bug");
    })) {
      gantry.cancel(id);
      calls.awaitSeen("available", "cancelled");
    }
    assertThat(calls.seen()).containsExactly("available", "cancelled");
  }
}
