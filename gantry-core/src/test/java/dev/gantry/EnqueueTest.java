package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnqueueTest {
  record Order(String customer, int quantity, List<String> items, Instant placedAt) {}

  record Step(String name) {}

  record Numbered(int i) {}

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

  @Test
  void defaultOptionsAreStored() {
    EnqueueResult r = gantry.enqueue("orders.ship", new Step("pack"));

    assertThat(r.duplicate()).isFalse();
    Job job = job(gantry, r.id());
    assertThat(job.id()).isEqualTo(r.id());
    assertThat(job.kind()).isEqualTo("orders.ship");
    assertThat(job.queue()).isEqualTo(JobOptions.DEFAULT_QUEUE);
    assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job.priority()).isZero();
    assertThat(job.attempt()).isZero();
    assertThat(job.maxAttempts()).isNull();
    assertThat(job.timeout()).isNull();
    assertThat(job.uniqueKey()).isNull();
    assertThat(job.tags()).isEmpty();
    assertThat(job.metadata().isObject()).isTrue();
    assertThat(job.metadata().isEmpty()).isTrue();
    assertThat(job.args().get("name").asText()).isEqualTo("pack");
    assertThat(job.errors()).isEmpty();
    assertThat(job.result()).isNull();
    assertThat(job.progressPercent()).isNull();
    assertThat(job.attemptedAt()).isNull();
    assertThat(job.finishedAt()).isNull();
    assertThat(job.workerId()).isNull();
    assertThat(job.cancelRequested()).isFalse();
    assertThat(job.createdAt()).isNotNull().isEqualTo(job.scheduledAt());
  }

  @Test
  void everyOptionIsStored() {
    JobOptions options = JobOptions.defaults()
        .withQueue("billing.eu-1:slow")
        .withPriority(-7)
        .withMaxAttempts(3)
        .withTimeout(Duration.ofSeconds(90))
        .withUniqueKey("invoice-42")
        .withTags("invoice", "tenant:acme")
        .withMetadata(Map.of("tenant", "acme", "n", 3, "nested", Map.of("flag", true)));

    UUID id = gantry.enqueue("billing.invoice", Map.of("invoice", 42), options).id();

    Job job = job(gantry, id);
    assertThat(job.queue()).isEqualTo("billing.eu-1:slow");
    assertThat(job.priority()).isEqualTo(-7);
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(job.uniqueKey()).isEqualTo("invoice-42");
    assertThat(job.tags()).containsExactly("invoice", "tenant:acme");
    assertThat(job.metadata().get("tenant").asText()).isEqualTo("acme");
    assertThat(job.metadata().get("n").asInt()).isEqualTo(3);
    assertThat(job.metadata().get("nested").get("flag").asBoolean()).isTrue();
    assertThat(job.args().get("invoice").asInt()).isEqualTo(42);
  }

  @Test
  void nullArgsAreStoredAsAnEmptyObject() {
    UUID id = gantry.enqueue("noop", null).id();

    assertThat(job(gantry, id).args().isObject()).isTrue();
    assertThat(job(gantry, id).args().isEmpty()).isTrue();
  }

  @Test
  void argsAndMetadataReachTheHandlerIntact() throws Exception {
    Instant placed = Instant.parse("2024-03-01T10:15:30.123456Z");
    Order order = new Order("Ada", 3, List.of("tea", "scones"), placed);
    AtomicReference<Order> seen = new AtomicReference<>();
    AtomicReference<String> tenant = new AtomicReference<>();
    UUID id = gantry.enqueue("orders.place", order, JobOptions.defaults().withMetadata(Map.of("tenant", "acme"))).id();

    try (Worker w = fast(gantry).queue("default", 1).handler("orders.place", Order.class, (args, ctx) -> {
      seen.set(args);
      tenant.set(ctx.metadata().get("tenant").asText());
      return null;
    }).start()) {
      assertThat(awaitFinished(gantry, id).state()).isEqualTo(JobState.COMPLETED);
    }
    assertThat(seen.get()).isEqualTo(order);
    assertThat(tenant.get()).isEqualTo("acme");
  }

  @Test
  void lowerPriorityRunsFirstThenOldestFirst() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    List<UUID> ids = new ArrayList<>();
    // Enqueued one by one (one transaction each) so that equal priorities have distinct enqueue times.
    String[][] jobs = {{"p10", "10"}, {"p0-first", "0"}, {"p-100", "-100"}, {"p100", "100"}, {"p0-second", "0"},
        {"p-5", "-5"}, {"p0-third", "0"}};
    for (String[] j : jobs) {
      ids.add(gantry.enqueue("step", new Step(j[0]), JobOptions.defaults().withPriority(Integer.parseInt(j[1]))).id());
    }

    try (Worker w = fast(gantry).queue("default", 1).handler("step", Step.class, (args, ctx) -> {
      ran.add(args.name());
      return null;
    }).start()) {
      for (UUID id : ids) {
        awaitFinished(gantry, id);
      }
    }

    assertThat(ran).containsExactly("p-100", "p-5", "p0-first", "p0-second", "p0-third", "p10", "p100");
  }

  @Test
  void delayedJobIsNotClaimedBeforeItsTimeByTheDatabaseClock() throws Exception {
    try (Worker w = fast(gantry).queue("default", 2).handler("step", Step.class, (args, ctx) -> null).start()) {
      UUID id = gantry.enqueue("step", new Step("later"), JobOptions.defaults().withDelay(Duration.ofMillis(1500))).id();

      Job waiting = job(gantry, id);
      assertThat(waiting.state()).isEqualTo(JobState.SCHEDULED);
      // The due time is the database's now() at enqueue plus the delay, exactly.
      assertThat(waiting.scheduledAt()).isEqualTo(waiting.createdAt().plusMillis(1500));

      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(done.attemptedAt()).isAfterOrEqualTo(done.scheduledAt());
      assertThat(done.scheduledAt()).isEqualTo(done.createdAt().plusMillis(1500));
    }
  }

  @Test
  void runAtInTheFutureWaitsAndThenRuns() throws Exception {
    Instant runAt = db.now().plusMillis(1200).truncatedTo(ChronoUnit.MILLIS);
    try (Worker w = fast(gantry).queue("default", 2).handler("step", Step.class, (args, ctx) -> null).start()) {
      UUID id = gantry.enqueue("step", new Step("at"), JobOptions.defaults().withRunAt(runAt)).id();

      Job waiting = job(gantry, id);
      assertThat(waiting.state()).isEqualTo(JobState.SCHEDULED);
      assertThat(waiting.scheduledAt()).isEqualTo(runAt);

      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attemptedAt()).isAfterOrEqualTo(runAt);
    }
  }

  @Test
  void runAtInThePastIsAvailableAtOnce() {
    UUID id = gantry.enqueue("step", new Step("past"), JobOptions.defaults().withRunAt(Instant.parse("2001-01-01T00:00:00Z"))).id();

    Job job = job(gantry, id);
    assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job.scheduledAt()).isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
  }

  @Test
  void zeroDelayIsAvailableAtOnce() {
    UUID id = gantry.enqueue("step", new Step("now"), JobOptions.defaults().withDelay(Duration.ZERO)).id();

    assertThat(job(gantry, id).state()).isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void workersOnlyRunTheirOwnQueues() throws Exception {
    UUID other = gantry.enqueue("step", new Step("other"), JobOptions.defaults().withQueue("other")).id();
    UUID mine = gantry.enqueue("step", new Step("mine"), JobOptions.defaults().withQueue("mine")).id();
    List<String> ran = new CopyOnWriteArrayList<>();

    try (Worker w = fast(gantry).queue("mine", 4).handler("step", Step.class, (args, ctx) -> {
      ran.add(args.name() + "@" + ctx.queue());
      return null;
    }).start()) {
      awaitFinished(gantry, mine);
      // Two more claim rounds of this worker, and the other queue's job is still untouched.
      UUID later = gantry.enqueue("step", new Step("mine-later"), JobOptions.defaults().withQueue("mine")).id();
      awaitFinished(gantry, later);
      assertThat(job(gantry, other).state()).isEqualTo(JobState.AVAILABLE);
    }
    try (Worker w = fast(gantry).queue("other", 1).handler("step", Step.class, (args, ctx) -> {
      ran.add(args.name() + "@" + ctx.queue());
      return null;
    }).start()) {
      awaitFinished(gantry, other);
    }
    assertThat(ran).containsExactly("mine@mine", "mine-later@mine", "other@other");
  }

  @Test
  void bulkEnqueueOfFiveThousandJobsIsOneStatementWithIdsInOrder() {
    String s = gantry.schema();
    db.execute("CREATE TABLE " + s + ".insert_statements (at timestamptz NOT NULL DEFAULT clock_timestamp())");
    db.execute("CREATE FUNCTION " + s + ".count_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
        + s + ".insert_statements DEFAULT VALUES; RETURN NULL; END $$");
    db.execute("CREATE TRIGGER count_insert AFTER INSERT ON " + s + ".jobs FOR EACH STATEMENT EXECUTE FUNCTION "
        + s + ".count_insert()");
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      requests.add(JobRequest.of("bulk", new Numbered(i), JobOptions.defaults().withPriority(i % 201 - 100)));
    }

    List<EnqueueResult> results = gantry.enqueueAll(requests);

    assertThat(results).hasSize(5000);
    assertThat(results).noneMatch(EnqueueResult::duplicate);
    assertThat(results.stream().map(EnqueueResult::id).distinct().count()).isEqualTo(5000);
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".insert_statements")).isEqualTo(1);
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".jobs")).isEqualTo(5000);
    // Result i is the job made from request i.
    Map<UUID, Integer> stored = new HashMap<>();
    for (String row : db.queryStrings("SELECT id || ' ' || (args->>'i') || ' ' || priority FROM " + s + ".jobs")) {
      String[] parts = row.split(" ");
      stored.put(UUID.fromString(parts[0]), Integer.parseInt(parts[1]));
      assertThat(Integer.parseInt(parts[2])).isEqualTo(Integer.parseInt(parts[1]) % 201 - 100);
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(stored.get(results.get(i).id())).as("job of request %d", i).isEqualTo(i);
    }
  }

  @Test
  void bulkEnqueueWithoutUniqueKeysStoresEveryOption() {
    // A batch with no unique key takes the statement without ON CONFLICT (insert_plain.sql): it
    // must store what insert.sql stores, in the order given.
    Instant before = db.now();
    JobOptions tagged = JobOptions.defaults().withQueue("mail").withPriority(-3).withMaxAttempts(4)
        .withTimeout(Duration.ofSeconds(9)).withTags("welcome", "eu").withMetadata(Map.of("source", "signup"))
        .withTenant("acme");
    List<EnqueueResult> results = gantry.enqueueAll(List.of(
        JobRequest.of("plain", new Numbered(0)),
        JobRequest.of("tagged", new Numbered(1), tagged),
        JobRequest.of("later", new Numbered(2), JobOptions.defaults().withDelay(Duration.ofHours(1)))));

    assertThat(results).hasSize(3).noneMatch(EnqueueResult::duplicate);
    Job plain = job(gantry, results.get(0).id());
    assertThat(plain.kind()).isEqualTo("plain");
    assertThat(plain.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(plain.tags()).isEmpty();
    assertThat(plain.metadata().isEmpty()).isTrue();
    assertThat(plain.tenant()).isNull();
    Job t = gantry.forTenant("acme").job(results.get(1).id()).orElseThrow();
    assertThat(t.kind()).isEqualTo("tagged");
    assertThat(t.args().get("i").asInt()).isEqualTo(1);
    assertThat(t.queue()).isEqualTo("mail");
    assertThat(t.priority()).isEqualTo(-3);
    assertThat(t.maxAttempts()).isEqualTo(4);
    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(t.tags()).containsExactly("welcome", "eu");
    assertThat(t.metadata().get("source").asText()).isEqualTo("signup");
    assertThat(t.tenant()).isEqualTo("acme");
    Job later = job(gantry, results.get(2).id());
    assertThat(later.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(later.scheduledAt()).isAfter(before.plus(Duration.ofMinutes(59)));
  }

  @Test
  void emptyBulkEnqueueDoesNothing() {
    assertThat(gantry.enqueueAll(List.of())).isEmpty();
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).isZero();
  }

  @Test
  void idsAreUuidVersion7WithRandomBits() {
    Instant before = db.now().truncatedTo(ChronoUnit.MILLIS);
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      requests.add(JobRequest.of("bulk", new Numbered(i)));
    }
    List<UUID> ids = gantry.enqueueAll(requests).stream().map(EnqueueResult::id).toList();
    UUID single = gantry.enqueue("single", null).id();
    Instant after = db.now();

    Set<Long> randomBits = new HashSet<>();
    for (UUID id : ids) {
      assertThat(id.version()).as("version of %s", id).isEqualTo(7);
      assertThat(id.variant()).as("variant of %s", id).isEqualTo(2);
      Instant idTime = Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
      assertThat(idTime).isBetween(before, after);
      randomBits.add(id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL);
    }
    // 62 random bits per id: a thousand ids never share them, and neighbours are not a counter.
    assertThat(randomBits).hasSize(ids.size());
    List<Long> sorted = new ArrayList<>(randomBits);
    Collections.sort(sorted);
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(sorted.get(i) - sorted.get(i - 1)).isGreaterThan(1L);
    }
    assertThat(single.version()).isEqualTo(7);
    assertThat(UuidOrder.POSTGRES.compare(single, ids.get(0))).as("a later job's id sorts after an earlier one's").isPositive();
  }

  @Test
  void jobsEnqueuedOneAfterAnotherGetIncreasingIds() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(gantry.enqueue("seq", new Numbered(i)).id());
    }
    // Ids are time ordered: every later enqueue, even within the same millisecond, sorts after.
    List<UUID> sorted = new ArrayList<>(ids);
    sorted.sort(UuidOrder.POSTGRES);
    assertThat(sorted).containsExactlyElementsOf(ids);
  }

  @Test
  void optionsAreValidatedWithTheFieldNamed() {
    JobOptions d = JobOptions.defaults();
    assertThatThrownBy(() -> d.withQueue("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> d.withQueue("has space")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> d.withQueue("q".repeat(129))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> d.withQueue(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> d.withPriority(101)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priority");
    assertThatThrownBy(() -> d.withPriority(-101)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priority");
    assertThatThrownBy(() -> d.withDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> new JobOptions("default", 0, Instant.now(), Duration.ofSeconds(1), null, null, null, List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runAt").hasMessageContaining("delay");
    assertThatThrownBy(() -> d.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> d.withTimeout(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> d.withUniqueKey(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uniqueKey");
    assertThatThrownBy(() -> d.withUniqueKey("k".repeat(1001))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uniqueKey");
    assertThatThrownBy(() -> d.withTags("ok", "")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
    assertThatThrownBy(() -> d.withTags("t".repeat(201))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
    assertThatThrownBy(() -> JobRequest.of("bad kind", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> JobRequest.of("", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> gantry.enqueue(null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    // the limits themselves are allowed
    assertThat(d.withPriority(100).withPriority(-100).withMaxAttempts(1).withQueue("q".repeat(128)).priority()).isEqualTo(-100);
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).isZero();
  }

  @Test
  void unserialisableArgsOrMetadataAreRejectedAndNothingIsInserted() {
    Object notJson = new Object(); // Jackson refuses an empty bean
    assertThatThrownBy(() -> gantry.enqueue("k", notJson))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("args");
    assertThatThrownBy(() -> gantry.enqueue("k", null, JobOptions.defaults().withMetadata(Map.of("x", notJson))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata");
    // In a bulk call, one bad request fails the whole call.
    assertThatThrownBy(() -> gantry.enqueueAll(List.of(JobRequest.of("k", Map.of("fine", 1)), JobRequest.of("k", notJson))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("args");
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).isZero();
  }

  /** PostgreSQL compares uuids as unsigned bytes; java.util.UUID#compareTo compares signed longs. */
  enum UuidOrder implements java.util.Comparator<UUID> {
    POSTGRES;

    @Override
    public int compare(UUID a, UUID b) {
      int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
      return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
  }
}
