package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobState;
import dev.gantry.tenant.TenantJobs;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants: each view sees and changes only its own jobs, and another tenant's job is
 * indistinguishable from a missing one.
 */
class TenantIsolationTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private TenantJobs acme;
  private TenantJobs globex;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
    acme = gantry.forTenant("acme");
    globex = gantry.forTenant("globex");
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  /** The job's row as stored, for checking that a refused call changed nothing. */
  private String row(UUID id) {
    return db.queryStrings("SELECT to_jsonb(j) - 'watched' FROM " + gantry.schema() + ".all_jobs j WHERE id = '" + id + "'")
        .toString();
  }

  @Test
  void enqueueStampsTheTenantAndOnlyThatTenantSeesTheJob() {
    UUID id = acme.enqueue("report", Map.of("n", 1)).id();

    assertThat(acme.job(id)).get().extracting(Job::tenant).isEqualTo("acme");
    assertThat(globex.job(id)).isEmpty();
    assertThat(gantry.job(id)).get().extracting(Job::tenant).isEqualTo("acme");
    assertThat(db.queryStrings("SELECT tenant FROM " + gantry.schema() + ".jobs WHERE id = '" + id + "'"))
        .containsExactly("acme");

    UUID plain = gantry.enqueue("report", null).id();
    assertThat(job(gantry, plain).tenant()).isNull();
    assertThat(acme.job(plain)).isEmpty();
  }

  @Test
  void optionsNamingTheSameTenantAreAcceptedAndAnotherTenantIsRejected() {
    assertThat(acme.enqueue("k", null, JobOptions.defaults().withTenant("acme")).duplicate()).isFalse();

    assertThatThrownBy(() -> acme.enqueue("k", null, JobOptions.defaults().withTenant("globex")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant").hasMessageContaining("globex");
    assertThatThrownBy(() -> acme.enqueueAll(List.of(JobRequest.of("k", null),
        JobRequest.of("k", null, JobOptions.defaults().withTenant("globex")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).as("nothing of the refused batch").isEqualTo(1);
    assertThatThrownBy(() -> acme.jobs(JobFilter.all().withTenant("globex")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
  }

  @Test
  void badTenantNamesAreRejectedNamingTheField() {
    for (String bad : Arrays.asList(null, "", "a b", "x".repeat(101), "acme/ops", "ünï", "a;drop")) {
      assertThatThrownBy(() -> gantry.forTenant(bad)).as("tenant %s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
      assertThatThrownBy(() -> JobOptions.defaults().withTenant(bad)).as("tenant %s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
    }
    for (String good : List.of("a", "x".repeat(100), "Acme-Corp_1.eu:prod")) {
      assertThat(gantry.forTenant(good).tenant()).isEqualTo(good);
    }
  }

  @Test
  void listingShowsOnlyTheTenantsJobsPageByPage() {
    for (int i = 0; i < 5; i++) {
      acme.enqueue("k", Map.of("i", i));
      globex.enqueue("k", Map.of("i", i));
      gantry.enqueue("k", Map.of("i", i));
    }
    UUID finished = acme.enqueue("k", Map.of("i", 5)).id();
    acme.cancel(finished); // in finished_jobs now: listings cover both tables

    var page = acme.jobs(JobFilter.all().withLimit(4));
    var second = acme.jobs(JobFilter.all().withLimit(4).withAfter(page.nextCursor()));

    List<Job> firstPage = page.jobs();
    assertThat(firstPage).hasSize(4).allSatisfy(j -> assertThat(j.tenant()).isEqualTo("acme"));
    assertThat(firstPage.get(0).id()).isEqualTo(finished);
    assertThat(second.jobs()).hasSize(2).allSatisfy(j -> assertThat(j.tenant()).isEqualTo("acme"));
    assertThat(second.nextCursor()).isNull();
    assertThat(gantry.jobs(JobFilter.all().withTenant("globex")).jobs()).hasSize(5)
        .allSatisfy(j -> assertThat(j.tenant()).isEqualTo("globex"));
    assertThat(gantry.jobs(JobFilter.all()).jobs()).hasSize(16);
    assertThat(gantry.forTenant("initech").jobs(JobFilter.all()).jobs()).isEmpty();
  }

  @Test
  void listingFiltersByCreationTimeAfterInclusiveBeforeExclusive() {
    UUID[] ids = new UUID[4];
    for (int i = 0; i < 4; i++) {
      ids[i] = acme.enqueue("k", Map.of("i", i)).id();
      // Known creation times, an hour apart: 10:00, 11:00, 12:00, 13:00.
      db.execute("UPDATE " + gantry.schema() + ".jobs SET created_at = '2026-01-01T1" + i + ":00:00Z' WHERE id = '" + ids[i] + "'");
    }
    Instant eleven = Instant.parse("2026-01-01T11:00:00Z");
    Instant thirteen = Instant.parse("2026-01-01T13:00:00Z");

    assertThat(acme.jobs(JobFilter.all().withCreatedAfter(eleven)).jobs()).extracting(Job::id)
        .containsExactly(ids[3], ids[2], ids[1]);
    assertThat(acme.jobs(JobFilter.all().withCreatedBefore(thirteen)).jobs()).extracting(Job::id)
        .containsExactly(ids[2], ids[1], ids[0]);
    var firstPage = acme.jobs(JobFilter.all().withCreatedAfter(eleven).withCreatedBefore(thirteen).withLimit(1));
    assertThat(firstPage.jobs()).extracting(Job::id).containsExactly(ids[2]);
    assertThat(acme.jobs(JobFilter.all().withCreatedAfter(eleven).withCreatedBefore(thirteen).withAfter(firstPage.nextCursor()))
        .jobs()).extracting(Job::id).containsExactly(ids[1]);
    assertThat(globex.jobs(JobFilter.all().withCreatedAfter(eleven)).jobs()).isEmpty();

    assertThatThrownBy(() -> JobFilter.all().withCreatedAfter(thirteen).withCreatedBefore(eleven))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("createdAfter");
  }

  @Test
  void anotherTenantCannotCancelRetryOrDeleteAndNothingChanges() {
    UUID queued = acme.enqueue("k", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
    UUID finished = acme.enqueue("k", null).id();
    acme.cancel(finished);
    String queuedBefore = row(queued);
    String finishedBefore = row(finished);

    assertThatThrownBy(() -> globex.cancel(queued)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> globex.retry(queued)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> globex.retry(finished)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> globex.delete(queued)).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> globex.delete(finished)).isInstanceOf(JobNotFoundException.class);
    assertThat(row(queued)).isEqualTo(queuedBefore);
    assertThat(row(finished)).isEqualTo(finishedBefore);

    // The owner can, and a retried job keeps its tenant.
    acme.retry(finished);
    assertThat(acme.job(finished)).get().satisfies(j -> {
      assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
      assertThat(j.tenant()).isEqualTo("acme");
    });
    assertThat(acme.cancel(queued)).isEqualTo(CancelResult.CANCELLED);
    acme.delete(queued);
    assertThat(gantry.job(queued)).isEmpty();
  }

  @Test
  void anotherTenantCannotCancelARunningJob() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 1).handler("block", Map.class, (args, ctx) -> {
      running.countDown();
      release.await();
      return "done";
    }).start()) {
      UUID id = acme.enqueue("block", null).id();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(() -> globex.cancel(id)).isInstanceOf(JobNotFoundException.class);
      assertThatThrownBy(() -> globex.delete(id)).isInstanceOf(JobNotFoundException.class);
      assertThat(job(gantry, id).cancelRequested()).isFalse();

      release.countDown();
      assertThat(awaitFinished(gantry, id).state()).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void anotherTenantCannotWaitForOrWatchTheJob() throws Exception {
    UUID id = acme.enqueue("k", null).id();

    assertThatThrownBy(() -> globex.awaitCompletion(id, Duration.ofMillis(100))).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> globex.watch(id, j -> { })).isInstanceOf(JobNotFoundException.class);
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs WHERE watched")).as("not even marked").isZero();

    assertThat(acme.awaitCompletion(id, Duration.ZERO)).isEmpty();
    acme.cancel(id);
    assertThat(acme.awaitCompletion(id, Duration.ofSeconds(5))).get().extracting(Job::state).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void uniqueKeysAreUniquePerTenantAndDuplicatesNeverRevealAnotherTenantsJob() {
    EnqueueResult a = acme.enqueue("k", Map.of("by", "acme"), JobOptions.defaults().withUniqueKey("nightly"));
    EnqueueResult g = globex.enqueue("k", Map.of("by", "globex"), JobOptions.defaults().withUniqueKey("nightly"));
    EnqueueResult none = gantry.enqueue("k", Map.of("by", "none"), JobOptions.defaults().withUniqueKey("nightly"));

    assertThat(List.of(a, g, none)).extracting(EnqueueResult::duplicate).containsOnly(false);
    assertThat(List.of(a.id(), g.id(), none.id())).doesNotHaveDuplicates();

    EnqueueResult again = globex.enqueue("k", Map.of("by", "globex-2"), JobOptions.defaults().withUniqueKey("nightly"));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.id()).isEqualTo(g.id());
    assertThat(gantry.enqueue("k", null, JobOptions.defaults().withUniqueKey("nightly")).id()).isEqualTo(none.id());

    // One bulk call, same key, several tenants: one job per tenant, duplicates point within the tenant.
    List<EnqueueResult> bulk = gantry.enqueueAll(List.of(
        JobRequest.of("k", null, JobOptions.defaults().withUniqueKey("weekly").withTenant("acme")),
        JobRequest.of("k", null, JobOptions.defaults().withUniqueKey("weekly").withTenant("globex")),
        JobRequest.of("k", null, JobOptions.defaults().withUniqueKey("weekly")),
        JobRequest.of("k", null, JobOptions.defaults().withUniqueKey("weekly").withTenant("globex")),
        JobRequest.of("k", null, JobOptions.defaults().withUniqueKey("nightly").withTenant("acme"))));
    assertThat(bulk).extracting(EnqueueResult::duplicate).containsExactly(false, false, false, true, true);
    assertThat(bulk.get(3).id()).isEqualTo(bulk.get(1).id());
    assertThat(bulk.get(4).id()).isEqualTo(a.id());
    assertThat(List.of(bulk.get(0).id(), bulk.get(1).id(), bulk.get(2).id())).doesNotHaveDuplicates();
    assertThat(job(gantry, bulk.get(1).id()).tenant()).isEqualTo("globex");
  }

  @Test
  void tenantIsKeptWhenTheJobFinishes() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("fails", Map.class, (args, ctx) -> {
      throw new PermanentFailure("no");
    }).start()) {
      UUID id = acme.enqueue("fails", null).id();
      Job dead = awaitFinished(gantry, id);
      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.tenant()).isEqualTo("acme");
      assertThat(acme.job(id)).isPresent();
      assertThat(globex.job(id)).isEmpty();
    }
  }
}
