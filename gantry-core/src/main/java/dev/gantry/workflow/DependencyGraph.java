package dev.gantry.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A workflow's steps checked and resolved: names unique, every dependency known, no cycle. Edges
 * to other steps become step indexes; edges to jobs enqueued before stay job ids (they cannot
 * close a cycle: an earlier job never waits on a later one).
 */
final class DependencyGraph {
  private static final Pattern NAME = Pattern.compile("\\S(.{0,198}\\S)?");
  static final int MAX_STEPS = 10_000;

  /** An edge of step {@code from} to step index {@code toStep} or, when it is -1, to job {@code toJob}. */
  record Edge(int from, int toStep, UUID toJob, OnFailure onFailure) {}

  private final List<Edge> edges;

  private DependencyGraph(List<Edge> edges) {
    this.edges = List.copyOf(edges);
  }

  List<Edge> edges() {
    return edges;
  }

  /** The distinct jobs enqueued before the workflow that its steps depend on. */
  Set<UUID> existingJobs() {
    Set<UUID> ids = new LinkedHashSet<>();
    for (Edge e : edges) {
      if (e.toStep() < 0) {
        ids.add(e.toJob());
      }
    }
    return ids;
  }

  /**
   * Checks the steps.
   *
   * @throws IllegalArgumentException naming the step and field at fault: no steps or too many, a
   *     blank, long or repeated name, a unique key, an unknown or repeated dependency, a step that
   *     depends on itself, or a cycle (the message lists it)
   */
  static DependencyGraph check(List<WorkflowStep> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("steps: a workflow needs at least one step");
    }
    if (steps.size() > MAX_STEPS) {
      throw new IllegalArgumentException("steps: at most " + MAX_STEPS + " steps in one workflow, got " + steps.size()
          + "; split it, or make the later part depend on the earlier one's jobs by id");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep s = steps.get(i);
      if (s.name() == null || !NAME.matcher(s.name()).matches()) {
        throw new IllegalArgumentException("steps[" + i + "].name: must be 1 to 200 characters, not blank and without "
            + "leading or trailing spaces, got " + (s.name() == null ? "none" : "'" + s.name() + "'"));
      }
      Integer before = index.putIfAbsent(s.name(), i);
      if (before != null) {
        throw new IllegalArgumentException("steps[" + i + "].name: '" + s.name() + "' is already the name of steps["
            + before + "]; step names are unique within a workflow");
      }
      if (s.job().options().uniqueKey() != null) {
        throw new IllegalArgumentException("steps[" + i + "].unique_key: a workflow step is always a new job and "
            + "takes no unique key; leave it out");
      }
    }
    List<Edge> edges = new ArrayList<>();
    List<List<Integer>> dependents = new ArrayList<>();
    int[] waitingOnSteps = new int[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep s = steps.get(i);
      Set<Object> seen = new HashSet<>();
      for (int d = 0; d < s.dependsOn().size(); d++) {
        Dependency dep = s.dependsOn().get(d);
        String field = "steps[" + i + "].depends_on[" + d + "]";
        if (dep == null) {
          throw new IllegalArgumentException(field + ": missing");
        }
        if (!seen.add(dep.step() != null ? dep.step() : dep.jobId())) {
          throw new IllegalArgumentException(field + ": " + dep.label() + " is listed twice for step '" + s.name()
              + "'");
        }
        if (dep.step() == null) {
          edges.add(new Edge(i, -1, dep.jobId(), dep.onFailure()));
          continue;
        }
        Integer target = index.get(dep.step());
        if (target == null) {
          throw new IllegalArgumentException(field + ": no step named '" + dep.step() + "' in this workflow");
        }
        if (target == i) {
          throw new IllegalArgumentException(field + ": step '" + s.name() + "' cannot depend on itself");
        }
        edges.add(new Edge(i, target, null, dep.onFailure()));
        dependents.get(target).add(i);
        waitingOnSteps[i]++;
      }
    }
    // Kahn's algorithm: whatever is left unordered lies on or behind a cycle.
    Deque<Integer> ready = new ArrayDeque<>();
    int[] left = waitingOnSteps.clone();
    for (int i = 0; i < left.length; i++) {
      if (left[i] == 0) {
        ready.add(i);
      }
    }
    int ordered = 0;
    while (!ready.isEmpty()) {
      int i = ready.poll();
      ordered++;
      for (int next : dependents.get(i)) {
        if (--left[next] == 0) {
          ready.add(next);
        }
      }
    }
    if (ordered < steps.size()) {
      throw new IllegalArgumentException("steps: the dependencies form a cycle, which could never run: "
          + describeCycle(steps, edges, left));
    }
    return new DependencyGraph(edges);
  }

  /** One cycle among the steps Kahn's algorithm could not order, as "a -> b -> a". */
  private static String describeCycle(List<WorkflowStep> steps, List<Edge> edges, int[] left) {
    Map<Integer, List<Integer>> needs = new HashMap<>();
    for (Edge e : edges) {
      if (e.toStep() >= 0 && left[e.from()] > 0 && left[e.toStep()] > 0) {
        needs.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.toStep());
      }
    }
    // Every unordered step waits on another unordered one, so walking "needs" must revisit a step.
    int start = 0;
    while (left[start] == 0) {
      start++;
    }
    List<Integer> path = new ArrayList<>();
    Map<Integer, Integer> at = new HashMap<>();
    int current = start;
    while (!at.containsKey(current)) {
      at.put(current, path.size());
      path.add(current);
      current = needs.get(current).get(0);
    }
    StringBuilder cycle = new StringBuilder();
    for (int i = at.get(current); i < path.size(); i++) {
      cycle.append('\'').append(steps.get(path.get(i)).name()).append("' -> ");
    }
    return cycle.append('\'').append(steps.get(current).name()).append('\'')
        .append(" (each waits for the next)").toString();
  }
}
