package dev.gantry.workflow;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchState;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkflowTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Callbacks go to a queue no worker here serves, so they stay in jobs to be counted. */
  private static final JobOptions CALLBACK_QUEUE = JobOptions.defaults().withQueue("callbacks");

  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private final List<TestNode> nodes = new ArrayList<>();
  /** Step names in the order their handlers started. */
  private final List<String> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(TestNode::close);
    gantry.close();
  }

  private static JobRequest ok(String name) {
    return JobRequest.of("ok", Map.of("name", name));
  }

  private static JobRequest bad(String name) {
    return JobRequest.of("bad", Map.of("name", name));
  }

  private Worker worker() {
    return fast(gantry).queue("default", 4)
        .handler("ok", Map.class, (args, ctx) -> {
          started.add((String) args.get("name"));
          List<String> inputs = new ArrayList<>();
          for (DependencyResult d : ctx.dependencies()) {
            inputs.add(d.step() + "=" + d.state().dbName() + (d.result() == null ? "" : ":" + d.result().path("name")
                .asText()));
          }
          return Map.of("name", args.get("name"), "inputs", inputs);
        })
        .handler("bad", Map.class, (args, ctx) -> {
          started.add((String) args.get("name"));
          throw new PermanentFailure("broken on purpose");
        })
        .start();
  }

  private Job job(UUID id) {
    return gantry.job(id).orElseThrow();
  }

  private WorkflowGraph graph(UUID id) {
    return gantry.workflows().get(id).orElseThrow();
  }

  private WorkflowGraph awaitFinished(UUID id) {
    return await().atMost(WAIT).until(() -> graph(id), g -> g.batch().state().isFinished());
  }

  private long count(String sql) {
    return db.queryLong(sql.replace("$s", gantry.schema()));
  }

  @Test
  void stepsRunOnlyAfterEveryDependencyCompletedAndReadTheirResults() {
    // A diamond: a, then b and c side by side, then d.
    Workflow diamond = Workflow.named("diamond")
        .step("a", ok("a"))
        .step("b", ok("b"), Dependency.on("a"))
        .step("c", ok("c"), Dependency.on("a"))
        .step("d", ok("d"), Dependency.on("b"), Dependency.on("c"))
        .build();
    WorkflowResult r = gantry.workflows().enqueue(diamond);

    assertThat(r.steps().keySet()).containsExactly("a", "b", "c", "d");
    assertThat(job(r.step("a")).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job(r.step("b")).state()).isEqualTo(JobState.PENDING);
    assertThat(job(r.step("d")).state()).isEqualTo(JobState.PENDING);
    assertThat(db.queryStrings("SELECT batch_id::text FROM " + gantry.schema() + ".jobs WHERE id = '" + r.step("d")
        + "'")).containsExactly(r.workflowId().toString());
    WorkflowGraph before = graph(r.workflowId());
    assertThat(before.name()).isEqualTo("diamond");
    assertThat(before.batch().state()).isEqualTo(BatchState.RUNNING);
    assertThat(before.batch().total()).isEqualTo(4);
    assertThat(before.steps()).extracting(WorkflowGraph.Step::name).containsExactly("a", "b", "c", "d");
    assertThat(before.steps().get(3).dependsOn()).extracting(WorkflowGraph.Edge::step).containsExactly("b", "c");

    try (Worker w = worker()) {
      WorkflowGraph done = awaitFinished(r.workflowId());
      assertThat(done.batch().state()).isEqualTo(BatchState.COMPLETED);
      assertThat(done.steps()).extracting(WorkflowGraph.Step::state).containsOnly(JobState.COMPLETED);
    }
    assertThat(started).hasSize(4);
    assertThat(started.get(0)).isEqualTo("a");
    assertThat(started.subList(1, 3)).containsExactlyInAnyOrder("b", "c");
    assertThat(started.get(3)).isEqualTo("d");
    Job d = job(r.step("d"));
    for (String dep : List.of("b", "c")) {
      assertThat(d.attemptedAt()).as("d started after %s finished", dep).isAfterOrEqualTo(job(r.step(dep)).finishedAt());
    }
    assertThat(d.result().get("inputs")).extracting(n -> n.asText()).containsExactly("b=completed:b", "c=completed:c");
    assertThat(gantry.workflows().dependencies(r.step("d"))).extracting(DependencyResult::jobId)
        .containsExactly(r.step("b"), r.step("c"));
  }

  @Test
  void aFailedDependencyCancelsItsDependentsDownTheGraphUnlessTheEdgeRunsAnyway() {
    Workflow w = Workflow.named("failing")
        .step("a", bad("a"))
        .step("b", ok("b"), Dependency.on("a"))
        .step("c", ok("c"), Dependency.on("b"))
        .step("cleanup", ok("cleanup"), Dependency.on("a").runAnyway())
        .options(BatchOptions.defaults()
            .onFailure(JobRequest.of("cb.failure", Map.of(), CALLBACK_QUEUE))
            .onSuccess(JobRequest.of("cb.success", Map.of(), CALLBACK_QUEUE))
            .onComplete(JobRequest.of("cb.complete", Map.of(), CALLBACK_QUEUE)))
        .build();
    WorkflowResult r = gantry.workflows().enqueue(w);

    try (Worker worker = worker()) {
      WorkflowGraph done = awaitFinished(r.workflowId());
      assertThat(done.batch().state()).isEqualTo(BatchState.FAILED);
      assertThat(done.batch().dead()).isEqualTo(1);
      assertThat(done.batch().cancelled()).isEqualTo(2);
      assertThat(done.batch().completed()).isEqualTo(1);
    }
    assertThat(started).containsExactlyInAnyOrder("a", "cleanup");
    Job b = job(r.step("b"));
    assertThat(b.state()).isEqualTo(JobState.CANCELLED);
    assertThat(b.attempt()).isZero();
    assertThat(b.errors()).singleElement().satisfies(e -> {
      assertThat(e.errorClass()).isEqualTo("dependency");
      assertThat(e.message()).isEqualTo("dependency " + r.step("a") + " ended dead");
    });
    assertThat(job(r.step("c")).errors().get(0).message()).isEqualTo("dependency " + r.step("b") + " ended cancelled");
    assertThat(job(r.step("cleanup")).result().get("inputs")).extracting(n -> n.asText())
        .containsExactly("a=dead");
    assertThat(count("SELECT count(*) FROM $s.jobs WHERE queue = 'callbacks'")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM $s.jobs WHERE kind IN ('cb.failure', 'cb.complete')")).isEqualTo(2);
  }

  @Test
  void cyclesUnknownStepsAndOtherBadGraphsAreRejectedBeforeAnythingIsWritten() {
    long batchesBefore = count("SELECT count(*) FROM $s.batches");
    long jobsBefore = count("SELECT count(*) FROM $s.jobs");

    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("cycle")
        .step("start", ok("start"))
        .step("a", ok("a"), Dependency.on("start"), Dependency.on("c"))
        .step("b", ok("b"), Dependency.on("a"))
        .step("c", ok("c"), Dependency.on("b"))
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("steps: the dependencies form a cycle")
        .hasMessageContaining("'a' -> 'c' -> 'b' -> 'a'");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a"), Dependency.on("missing")).build()))
        .hasMessage("steps[0].depends_on[0]: no step named 'missing' in this workflow");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a"), Dependency.on("a")).build()))
        .hasMessage("steps[0].depends_on[0]: step 'a' cannot depend on itself");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a")).step("a", ok("a")).build()))
        .hasMessageStartingWith("steps[1].name: 'a' is already the name of steps[0]");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a")).step("b", ok("b"), Dependency.on("a"), Dependency.on("a").runAnyway()).build()))
        .hasMessageStartingWith("steps[1].depends_on[1]: step 'a' is listed twice");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", JobRequest.of("ok", Map.of(), JobOptions.defaults().withUniqueKey("k"))).build()))
        .hasMessageStartingWith("steps[0].unique_key:");
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x").build()))
        .hasMessage("steps: a workflow needs at least one step");
    UUID nowhere = UUID.randomUUID();
    assertThatThrownBy(() -> gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a"), Dependency.onJob(nowhere)).build()))
        .hasMessageStartingWith("depends_on: no job " + nowhere);

    assertThat(count("SELECT count(*) FROM $s.batches")).isEqualTo(batchesBefore);
    assertThat(count("SELECT count(*) FROM $s.jobs")).isEqualTo(jobsBefore);
    assertThat(count("SELECT count(*) FROM $s.job_dependencies")).isZero();
  }

  @Test
  void aStepMayDependOnJobsEnqueuedBeforeInWhateverStateTheyAre() throws Exception {
    UUID waiting = gantry.enqueue("ok", Map.of("name", "earlier"), JobOptions.defaults().withQueue("later")).id();
    UUID completed = gantry.enqueue("ok", Map.of("name", "done-before")).id();
    UUID dead = gantry.enqueue("bad", Map.of("name", "dead-before")).id();
    try (Worker w = worker()) {
      await().atMost(WAIT).until(() -> job(completed).state() == JobState.COMPLETED && job(dead).state() == JobState.DEAD);
    }
    started.clear();

    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("after earlier jobs")
        .step("after-waiting", ok("after-waiting"), Dependency.onJob(waiting))
        .step("after-completed", ok("after-completed"), Dependency.onJob(completed))
        .step("after-dead", ok("after-dead"), Dependency.onJob(dead))
        .step("after-dead-anyway", ok("after-dead-anyway"), Dependency.onJob(dead).runAnyway())
        .step("after-after-dead", ok("after-after-dead"), Dependency.on("after-dead"))
        .build());

    assertThat(job(r.step("after-waiting")).state()).isEqualTo(JobState.PENDING);
    assertThat(job(r.step("after-completed")).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job(r.step("after-dead")).state()).isEqualTo(JobState.CANCELLED);
    assertThat(job(r.step("after-dead")).errors().get(0).message()).isEqualTo("dependency " + dead + " ended dead");
    assertThat(job(r.step("after-after-dead")).state()).as("cancelled down the graph").isEqualTo(JobState.CANCELLED);
    assertThat(job(r.step("after-dead-anyway")).state()).isEqualTo(JobState.AVAILABLE);
    WorkflowGraph.Step step = graph(r.workflowId()).steps().get(0);
    assertThat(step.dependsOn()).singleElement().satisfies(e -> {
      assertThat(e.jobId()).isEqualTo(waiting);
      assertThat(e.step()).as("not a step of this workflow").isNull();
    });

    try (Worker w = fast(gantry).queue("default", 4).queue("later", 1)
        .handler("ok", Map.class, (args, ctx) -> {
          started.add((String) args.get("name"));
          return Map.of("name", args.get("name"));
        }).start()) {
      WorkflowGraph done = awaitFinished(r.workflowId());
      assertThat(done.batch().state()).isEqualTo(BatchState.CANCELLED);
    }
    assertThat(started.indexOf("after-waiting")).isGreaterThan(started.indexOf("earlier"));
    assertThat(started).doesNotContain("after-dead", "after-after-dead");
  }

  @Test
  void anotherTenantsJobIsAnUnknownDependency() {
    UUID globex = gantry.forTenant("globex").enqueueAll(List.of(ok("theirs"))).get(0).id();
    Workflows acme = gantry.workflows().forTenant("acme");

    assertThatThrownBy(() -> acme.enqueue(Workflow.named("x").step("a", ok("a"), Dependency.onJob(globex)).build()))
        .hasMessageStartingWith("depends_on: no job " + globex + " of tenant acme");
    WorkflowResult mine = acme.enqueue(Workflow.named("mine").step("a", ok("a")).build());
    assertThat(job(mine.step("a")).tenant()).isEqualTo("acme");
    assertThat(gantry.workflows().forTenant("globex").get(mine.workflowId())).isEmpty();
    assertThat(acme.get(mine.workflowId())).isPresent();
  }

  @Test
  void aWorkflowEnqueuedInTheCallersTransactionExistsOnlyIfItCommits() throws Exception {
    Workflow w = Workflow.named("tx").step("a", ok("a")).step("b", ok("b"), Dependency.on("a")).build();
    UUID rolledBack;
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      rolledBack = gantry.workflows().enqueue(c, w).workflowId();
      c.rollback();
    }
    assertThat(gantry.workflows().get(rolledBack)).isEmpty();
    assertThat(count("SELECT count(*) FROM $s.job_dependencies")).isZero();
    assertThat(count("SELECT count(*) FROM $s.workflow_steps")).isZero();

    UUID committed;
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      committed = gantry.workflows().enqueue(c, w).workflowId();
      c.commit();
    }
    assertThat(graph(committed).steps()).hasSize(2);
  }

  @Test
  void cancellingAWorkflowCancelsItsWaitingAndPendingSteps() {
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("to cancel")
        .step("a", ok("a"))
        .step("b", ok("b"), Dependency.on("a"))
        .step("c", ok("c"), Dependency.on("b"))
        .build());

    WorkflowGraph cancelled = gantry.workflows().cancel(r.workflowId());

    assertThat(cancelled.batch().state()).isEqualTo(BatchState.CANCELLED);
    assertThat(cancelled.steps()).extracting(WorkflowGraph.Step::state).containsOnly(JobState.CANCELLED);
    assertThat(count("SELECT count(*) FROM $s.jobs")).isZero();
    assertThatThrownBy(() -> gantry.workflows().cancel(UUID.randomUUID()))
        .isInstanceOf(WorkflowNotFoundException.class);
    UUID plainBatch = gantry.batches().enqueue(List.of(ok("x")), BatchOptions.defaults()).batchId();
    assertThat(gantry.workflows().get(plainBatch)).as("a batch is not a workflow").isEmpty();
  }

  @Test
  void aDependentIsReleasedExactlyOnceWhenItsDependenciesFinishTogetherOnManyNodes() {
    int workflows = 60;
    int fanIn = 6;
    List<WorkflowResult> results = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      Workflow.Builder b = Workflow.named("fan-in " + i);
      List<Dependency> parents = new ArrayList<>();
      for (int p = 0; p < fanIn; p++) {
        b.step("p" + p, JobRequest.of("parent", Map.of()));
        parents.add(Dependency.on("p" + p));
      }
      b.step("child", JobRequest.of("child", Map.of()), parents);
      results.add(gantry.workflows().enqueue(b.build()));
    }
    Map<UUID, AtomicInteger> childRuns = new ConcurrentHashMap<>();
    for (int n = 0; n < 4; n++) {
      nodes.add(TestNode.create(gantry.schema(), "node" + n, 4).startWorker(b -> b.queue("default", 8)
          .handler("parent", Map.class, (args, ctx) -> "p")
          .handler("child", Map.class, (args, ctx) -> {
            childRuns.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
            return ctx.dependencies().size();
          })));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM $s.batches WHERE finished_at IS NULL")
        == 0);

    for (WorkflowResult r : results) {
      Job child = job(r.step("child"));
      assertThat(child.state()).isEqualTo(JobState.COMPLETED);
      assertThat(child.attempt()).isEqualTo(1);
      assertThat(child.result().asInt()).isEqualTo(fanIn);
      Instant lastParent = r.steps().entrySet().stream().filter(e -> !e.getKey().equals("child"))
          .map(e -> job(e.getValue()).finishedAt()).max(Instant::compareTo).orElseThrow();
      assertThat(child.attemptedAt()).isAfterOrEqualTo(lastParent);
    }
    assertThat(childRuns).hasSize(workflows).allSatisfy((id, runs) -> assertThat(runs.get()).isEqualTo(1));
    assertThat(count("SELECT count(*) FROM $s.jobs")).isZero();
  }

  @Test
  void aJobThatStepsWaitOnOrThatBelongsToAWorkflowIsDeletedOnlyOnceCancelled() {
    UUID earlier = gantry.enqueue("ok", Map.of("name", "earlier"), JobOptions.defaults().withQueue("later")).id();
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("x")
        .step("a", ok("a"), Dependency.onJob(earlier)).build());

    assertThatThrownBy(() -> gantry.delete(earlier)).isInstanceOf(IllegalStateException.class)
        .hasMessage("job " + earlier + " cannot be deleted: it has not finished and workflow steps depend on it; "
            + "cancel it before deleting it");
    assertThatThrownBy(() -> gantry.delete(r.step("a"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to batch " + r.workflowId());

    gantry.cancel(earlier);
    assertThat(job(r.step("a")).state()).as("cancelled with its dependency").isEqualTo(JobState.CANCELLED);
    gantry.delete(earlier);
    assertThat(gantry.job(earlier)).isEmpty();
    assertThat(graph(r.workflowId()).batch().state()).isEqualTo(BatchState.CANCELLED);
  }

  @Test
  void prunedStepsTakeTheirEdgesAndNamesWithThem() {
    WorkflowResult r = gantry.workflows().enqueue(Workflow.named("to prune")
        .step("a", ok("a")).step("b", ok("b"), Dependency.on("a")).build());
    try (Worker w = worker()) {
      awaitFinished(r.workflowId());
    }
    assertThat(count("SELECT count(*) FROM $s.job_dependencies")).isEqualTo(1);

    db.execute("DELETE FROM " + gantry.schema() + ".finished_jobs");

    assertThat(count("SELECT count(*) FROM $s.job_dependencies")).isZero();
    assertThat(count("SELECT count(*) FROM $s.workflow_steps")).isZero();
  }
}
