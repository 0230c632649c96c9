package dev.gantry.testing;

import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every job event, in the order they fired. */
public final class EventRecorder implements JobListener {
  private final List<JobEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(JobEvent event) {
    events.add(event);
  }

  public List<JobEvent> all() {
    return List.copyOf(events);
  }

  public <E extends JobEvent> List<E> of(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <E extends JobEvent> List<E> of(Class<E> type, UUID jobId) {
    return of(type).stream().filter(e -> e.jobId().equals(jobId)).toList();
  }

  public List<JobEvent> forJob(UUID id) {
    return events.stream().filter(e -> e.jobId().equals(id)).toList();
  }

  /** Waits until an event of this type has fired for this job and returns the first one. */
  public <E extends JobEvent> E awaitEvent(Class<E> type, UUID id) {
    return org.awaitility.Awaitility.await("a " + type.getSimpleName() + " event for job " + id).atMost(TestWorkers.WAIT)
        .until(() -> of(type, id).stream().findFirst(), java.util.Optional::isPresent)
        .orElseThrow();
  }
}
