package dev.gantry.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchMembers;
import dev.gantry.batch.Batches;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobInserter;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Workflows: graphs of jobs enqueued in one call, where a step runs only once the steps (or
 * earlier jobs) it depends on have completed. Get one from {@code Gantry.workflows()}.
 *
 * <p>A step with dependencies waits as {@code pending}; when the last of them has finished it
 * becomes due. A dependency that ends dead or cancelled cancels its dependent at once, and so
 * down the graph, unless the edge says {@link Dependency#runAnyway()}. A handler reads what its
 * dependencies returned with {@code JobContext.dependencies()}.
 *
 * <p>A workflow is a sealed batch: {@link #get} shows its counts and state with every step, and
 * {@code Gantry.batches()} watches it, and fires its callbacks once the last step has finished.
 *
 * <p>Thread-safe. An instance scoped to a tenant ({@link #forTenant}) makes workflows of that
 * tenant only, treats another tenant's workflow as missing, and its steps may depend only on that
 * tenant's jobs.
 */
public final class Workflows {
  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final JobInserter inserter;
  private final Batches batches;
  private final DependencyReader dependencies;
  private final BiConsumer<List<JobRequest>, List<EnqueueResult>> onEnqueued;
  private final String tenant;

  /**
   * For Gantry's own wiring; applications use {@code Gantry.workflows()}.
   *
   * @param batches the batches of the same tenant scope
   */
  public Workflows(Db db, Sql sql, ObjectMapper mapper, JobInserter inserter, Batches batches,
      DependencyReader dependencies, BiConsumer<List<JobRequest>, List<EnqueueResult>> onEnqueued, String tenant) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.inserter = inserter;
    this.batches = batches;
    this.dependencies = dependencies;
    this.onEnqueued = onEnqueued;
    this.tenant = tenant;
  }

  /** The same operations, limited to one tenant's workflows and jobs. */
  public Workflows forTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return new Workflows(db, sql, mapper, inserter, batches.forTenant(tenant), dependencies, onEnqueued, tenant);
  }

  /**
   * Enqueues the whole graph in one transaction: the workflow and all its steps, or nothing.
   * Steps without dependencies are due at once (or at their own run time); the others wait.
   *
   * @throws IllegalArgumentException if the graph is invalid: no steps, a repeated or blank step
   *     name, an unknown step or job among the dependencies, a step depending on itself, a cycle
   *     (the message lists it), a step with a unique key, or a step naming another tenant;
   *     nothing was written
   * @throws dev.gantry.GantryException if the database refuses or cannot be reached; nothing was written
   */
  public WorkflowResult enqueue(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    DependencyGraph graph = DependencyGraph.check(workflow.steps());
    List<JobRequest> jobs = jobs(workflow);
    WorkflowResult result = db.inTransaction("enqueueing a workflow of " + jobs.size() + " steps",
        c -> create(c, workflow, graph, jobs));
    fireEnqueued(jobs, result);
    return result;
  }

  /**
   * As {@link #enqueue(Workflow)}, inside the caller's transaction: the workflow exists if and
   * only if the caller commits. The connection is not committed, rolled back or closed here.
   */
  public WorkflowResult enqueue(Connection transaction, Workflow workflow) throws SQLException {
    Objects.requireNonNull(workflow, "workflow");
    DependencyGraph graph = DependencyGraph.check(workflow.steps());
    List<JobRequest> jobs = jobs(workflow);
    WorkflowResult result = create(transaction, workflow, graph, jobs);
    fireEnqueued(jobs, result);
    return result;
  }

  /** The workflow with its counts and every step's state and edges; empty if there is none (of this tenant). */
  public Optional<WorkflowGraph> get(UUID workflowId) {
    return db.run("reading workflow " + workflowId, c -> get(c, workflowId));
  }

  /**
   * As {@link #get(UUID)}, on the caller's connection (so inside its transaction: a workflow it
   * enqueued and has not committed yet is seen).
   */
  public Optional<WorkflowGraph> get(Connection connection, UUID workflowId) throws SQLException {
    String name;
    try (PreparedStatement ps = connection.prepareStatement(sql.get("workflow_get"))) {
      ps.setObject(1, workflowId);
      ps.setString(2, tenant);
      ps.setString(3, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        name = rs.getString("name");
      }
    }
    Optional<Batch> batch = batches.get(connection, workflowId);
    if (batch.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new WorkflowGraph(batch.get(), name, steps(connection, workflowId)));
  }

  /**
   * Cancels a workflow as {@link Batches#cancel} cancels a batch: waiting and pending steps never
   * run, running ones are asked to stop.
   *
   * @return the workflow after the cancellation was applied
   * @throws WorkflowNotFoundException if there is no such workflow (of this tenant)
   */
  public WorkflowGraph cancel(UUID workflowId) {
    if (get(workflowId).isEmpty()) {
      throw new WorkflowNotFoundException(workflowId);
    }
    batches.cancel(workflowId);
    return get(workflowId).orElseThrow(() -> new WorkflowNotFoundException(workflowId));
  }

  /**
   * A job's dependencies with their states and, for completed ones, their results; empty for a job
   * without any, and for a job of another tenant when this instance is scoped to one.
   */
  public List<DependencyResult> dependencies(UUID jobId) {
    return dependencies.read(jobId, tenant);
  }

  private List<JobRequest> jobs(Workflow workflow) {
    String workflowTenant = BatchMembers.tenantOf(tenant, workflow.options());
    return BatchMembers.withTenant(workflow.steps().stream().map(WorkflowStep::job).toList(), workflowTenant, "steps");
  }

  private WorkflowResult create(Connection c, Workflow workflow, DependencyGraph graph, List<JobRequest> jobs)
      throws SQLException {
    String workflowTenant = BatchMembers.tenantOf(tenant, workflow.options());
    Map<UUID, JobState> existing = existingDependencies(c, graph.existingJobs(), workflowTenant);
    int n = jobs.size();
    int[] waiting = new int[n];
    String[] cancelReason = new String[n];
    for (DependencyGraph.Edge e : graph.edges()) {
      JobState state = e.toStep() >= 0 ? null : existing.get(e.toJob());
      if (state == null || !state.isFinished()) {
        waiting[e.from()]++;
      } else if (state != JobState.COMPLETED && e.onFailure() == OnFailure.CANCEL && cancelReason[e.from()] == null) {
        cancelReason[e.from()] = "dependency " + e.toJob() + " ended " + state.dbName();
      }
    }
    for (int i = 0; i < n; i++) {
      if (cancelReason[i] != null) {
        waiting[i] = Math.max(1, waiting[i]); // inserted pending, then cancelled below
      }
    }

    UUID workflowId;
    inserter.checkWebhook(workflow.options().webhook(), "webhook_url");
    try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_create"))) {
      ps.setString(1, workflow.name());
      ps.setString(2, workflowTenant);
      ps.setString(3, Json.write(mapper, workflow.options().metadata(), "workflow metadata"));
      ps.setString(4, BatchMembers.callbacksJson(mapper, workflow.options()));
      ps.setInt(5, n);
      ps.setString(6, workflow.options().webhook() == null ? null : workflow.options().webhook().url().toString());
      ps.setString(7, workflow.options().webhook() == null ? null : workflow.options().webhook().signingKey());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        workflowId = rs.getObject(1, UUID.class);
      }
    }
    List<EnqueueResult> inserted = inserter.insert(c, jobs, workflowId, waiting);
    UUID[] ids = inserted.stream().map(EnqueueResult::id).toArray(UUID[]::new);

    String[] names = workflow.steps().stream().map(WorkflowStep::name).toArray(String[]::new);
    try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_steps_insert"))) {
      ps.setObject(1, workflowId);
      ps.setArray(2, c.createArrayOf("text", names));
      ps.setArray(3, c.createArrayOf("uuid", ids));
      ps.executeUpdate();
    }
    if (!graph.edges().isEmpty()) {
      int m = graph.edges().size();
      UUID[] from = new UUID[m];
      UUID[] to = new UUID[m];
      String[] policies = new String[m];
      for (int i = 0; i < m; i++) {
        DependencyGraph.Edge e = graph.edges().get(i);
        from[i] = ids[e.from()];
        to[i] = e.toStep() >= 0 ? ids[e.toStep()] : e.toJob();
        policies[i] = e.onFailure().dbName();
      }
      try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_edges_insert"))) {
        ps.setArray(1, c.createArrayOf("uuid", from));
        ps.setArray(2, c.createArrayOf("uuid", to));
        ps.setArray(3, c.createArrayOf("text", policies));
        ps.executeUpdate();
      }
    }
    List<UUID> doomed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (cancelReason[i] != null) {
        doomed.add(ids[i]);
        reasons.add(cancelReason[i]);
      }
    }
    if (!doomed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_cancel_steps"))) {
        ps.setArray(1, c.createArrayOf("uuid", doomed.toArray()));
        ps.setArray(2, c.createArrayOf("text", reasons.toArray()));
        ps.execute();
      }
    }
    Map<String, UUID> steps = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      steps.put(names[i], ids[i]);
    }
    return new WorkflowResult(workflowId, java.util.Collections.unmodifiableMap(steps));
  }

  /**
   * The states of the earlier jobs the steps depend on, the unfinished ones locked until commit.
   *
   * @throws IllegalArgumentException if one does not exist (for this tenant)
   */
  private Map<UUID, JobState> existingDependencies(Connection c, Set<UUID> ids, String workflowTenant)
      throws SQLException {
    Map<UUID, JobState> states = new HashMap<>();
    if (ids.isEmpty()) {
      return states;
    }
    // Twice at most: a job that finished while the first statement waited for its row lock is
    // seen among the finished by the second.
    for (int round = 0; round < 2 && states.size() < ids.size(); round++) {
      try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_existing_dependencies"))) {
        java.sql.Array array = c.createArrayOf("uuid", ids.toArray());
        ps.setArray(1, array);
        ps.setString(2, workflowTenant);
        ps.setString(3, workflowTenant);
        ps.setArray(4, array);
        ps.setString(5, workflowTenant);
        ps.setString(6, workflowTenant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            states.put(rs.getObject("id", UUID.class), JobState.fromDb(rs.getString("state")));
          }
        }
      }
    }
    for (UUID id : ids) {
      if (!states.containsKey(id)) {
        throw new IllegalArgumentException("depends_on: no job " + id + (workflowTenant == null ? "" : " of tenant "
            + workflowTenant) + "; a step may depend on another step by name or on an existing job by id");
      }
    }
    return states;
  }

  private List<WorkflowGraph.Step> steps(Connection c, UUID workflowId) throws SQLException {
    Map<UUID, List<WorkflowGraph.Edge>> edges = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_graph_edges"))) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          edges.computeIfAbsent(rs.getObject("job_id", UUID.class), k -> new ArrayList<>())
              .add(new WorkflowGraph.Edge(rs.getObject("depends_on", UUID.class), rs.getString("step"),
                  OnFailure.fromDb(rs.getString("on_failure"))));
        }
      }
    }
    List<WorkflowGraph.Step> steps = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.get("workflow_graph_steps"))) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID jobId = rs.getObject("job_id", UUID.class);
          String state = rs.getString("state");
          int percent = rs.getInt("progress_percent");
          Integer progress = rs.wasNull() ? null : percent;
          steps.add(new WorkflowGraph.Step(rs.getString("step"), jobId, rs.getString("kind"), rs.getString("queue"),
              state == null ? null : JobState.fromDb(state), rs.getInt("attempt"), progress,
              List.copyOf(edges.getOrDefault(jobId, List.of()))));
        }
      }
    }
    return List.copyOf(steps);
  }

  private void fireEnqueued(List<JobRequest> jobs, WorkflowResult result) {
    List<EnqueueResult> results = new ArrayList<>(jobs.size());
    for (UUID id : result.steps().values()) {
      results.add(new EnqueueResult(id, false));
    }
    onEnqueued.accept(jobs, results);
  }
}
